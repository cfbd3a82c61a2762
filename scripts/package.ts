/**
 * `npm run package`: the store packages, zipped from the builds in dist/ and dist-firefox/:
 * release/enhance-chrome-<version>.zip for the Chrome Web Store and
 * release/enhance-firefox-<version>.zip for addons.mozilla.org (Firefox also installs it as a
 * temporary add-on). The Firefox tests install their package through the same zipFolder.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipFolder } from './zip';

const RELEASE = 'release';

mkdirSync(RELEASE, { recursive: true });
for (const [browser, folder] of [
  ['chrome', 'dist'],
  ['firefox', 'dist-firefox'],
] as const) {
  const { version } = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { version: string };
  const out = join(RELEASE, `enhance-${browser}-${version}.zip`);
  const zip = zipFolder(folder);
  writeFileSync(out, zip);
  console.log(`${out}: ${(zip.length / 1e6).toFixed(1)} MB`);
}
