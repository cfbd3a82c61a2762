/**
 * Whether a runtime message comes from the extension itself (its worker, popup, options page or
 * engine), by the sender's URL under `extensionRoot` (runtime.getURL('')). A content script's
 * messages carry its page's URL and tab: it runs in the page's renderer, which a compromised page
 * drives, so it may ask for its own images' jobs, never for the cache, the settings or other tabs.
 * Chrome's service worker sent no URL before Chrome 140 or so (w3c/webextensions#851), and never a tab.
 */
export function fromExtension(sender: { url?: string; tab?: unknown }, extensionRoot: string): boolean {
  if (sender.url === undefined) return sender.tab === undefined;
  return sender.url.startsWith(extensionRoot);
}
