/**
 * The Firefox manifest, derived from the Chrome one (manifest.json stays the one source): a
 * background page (which hosts the engine's page in a frame) instead of a service worker and an offscreen document,
 * and the keys only Chrome knows dropped, so Firefox loads the package without warnings.
 */
export const FIREFOX_ID = 'enhance@enhance.invalid';
export const FIREFOX_BACKGROUND = 'src/background/firefox-main.ts';
/** 140 ESR: the first release that reads data_collection_permissions, which AMO now asks for. */
export const FIREFOX_MIN_VERSION = '140.0';

const CHROME_ONLY_KEYS = ['minimum_chrome_version', 'cross_origin_embedder_policy', 'cross_origin_opener_policy'];
const CHROME_ONLY_PERMISSIONS = new Set(['offscreen']);

type Manifest = Record<string, unknown> & { permissions?: string[] };

export function firefoxManifest(chrome: Manifest): Manifest {
  const manifest: Manifest = structuredClone(chrome);
  for (const key of CHROME_ONLY_KEYS) delete manifest[key];
  manifest.permissions = (chrome.permissions ?? []).filter((p) => !CHROME_ONLY_PERMISSIONS.has(p));
  manifest.background = { scripts: [FIREFOX_BACKGROUND], type: 'module' };
  manifest.browser_specific_settings = {
    gecko: { id: FIREFOX_ID, strict_min_version: FIREFOX_MIN_VERSION, data_collection_permissions: { required: ['none'] } },
  };
  return manifest;
}
