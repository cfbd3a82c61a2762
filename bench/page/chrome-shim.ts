/**
 * src/offscreen/backend.ts finds its files with chrome.runtime.getURL. The bench page serves the
 * same layout (ort/, models/) from its own origin, so a one-function stand-in is enough to run
 * the extension's backend module unchanged. Imported before backend.ts. (Chromium defines
 * `window.chrome` on every page, without `runtime`.)
 */
interface ChromeGlobal {
  runtime?: { getURL?: (path: string) => string };
}

const page = globalThis as { chrome?: ChromeGlobal };
const chromeGlobal: ChromeGlobal = (page.chrome ??= {});
if (!chromeGlobal.runtime?.getURL) chromeGlobal.runtime = { getURL: (path: string) => new URL(`/${path}`, location.origin).href };
