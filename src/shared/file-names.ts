/** The download name of an enhanced image: the original file's name, marked, always PNG. */
export function enhancedFileName(srcUrl: string): string {
  let base = 'image';
  try {
    const url = new URL(srcUrl);
    const last = /^(https?|file|ftp):$/.test(url.protocol) ? (url.pathname.split('/').pop() ?? '') : '';
    // No leading dot: the download would be a hidden file the user cannot find.
    base = decodeURIComponent(last).replace(/\.[a-z0-9]+$/i, '').replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || base;
  } catch {
    // Not a URL at all: the generic name will do.
  }
  return `${base.slice(0, 80)}-enhanced.png`;
}
