/** The download name of an enhanced image: the original file's name, marked, always PNG. */
export function enhancedFileName(srcUrl: string): string {
  let base = 'image';
  try {
    const url = new URL(srcUrl);
    const last = /^(https?|file|ftp):$/.test(url.protocol) ? (url.pathname.split('/').pop() ?? '') : '';
    // No leading dot: the download would be a hidden file the user cannot find.
    // Letters and digits of any script stay (写真.jpg is no "_.jpg"); the rest, separators and characters file systems refuse among them, are one '_'.
    base = decodeURIComponent(last).replace(/\.[a-z0-9]+$/i, '').replace(/[^\p{L}\p{M}\p{N}_.-]+/gu, '_').replace(/^\.+/, '') || base;
  } catch {
    // Not a URL at all: the generic name will do.
  }
  // By code point: a cut between the halves of a surrogate pair would leave an invalid name.
  return `${Array.from(base).slice(0, 80).join('')}-enhanced.png`;
}
