/**
 * Whether a runtime message comes from the extension itself (its worker, popup, options page or
 * engine), by the sender's URL under `extensionRoot` (runtime.getURL('')). A content script's
 * messages carry the page's URL: it runs in the page's renderer, which a compromised page drives,
 * so it may ask for its own images' jobs, never for the cache, the settings or other tabs.
 */
export function fromExtension(sender: { url?: string }, extensionRoot: string): boolean {
  return sender.url?.startsWith(extensionRoot) === true;
}
