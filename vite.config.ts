import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import manifest from './manifest.json' with { type: 'json' };
import { firefoxManifest } from './scripts/firefox-manifest';
import { ORT_FILES } from './scripts/ort-files';
import { parseRegistry } from './src/core/models';

/**
 * Ships the ORT runtime files and the models inside the package (MV3 allows no remote code),
 * copied at build time so the repository holds no copy of node_modules.
 */
function bundledAssets(): Plugin {
  return {
    name: 'enhance-bundled-assets',
    apply: 'build',
    generateBundle() {
      for (const path of ORT_FILES) this.emitFile({ type: 'asset', fileName: `ort/${basename(path)}`, source: readFileSync(path) });
      // The files models.json lists, no others: an fp16 variant that failed the model card's check stays out.
      const registry = parseRegistry(JSON.parse(readFileSync('models/models.json', 'utf8')));
      const files = registry.models.flatMap((m) => (m.fp16File ? [m.file, m.fp16File] : [m.file]));
      for (const file of ['models.json', ...files]) {
        this.emitFile({ type: 'asset', fileName: `models/${file}`, source: readFileSync(join('models', file)) });
      }
    },
  };
}

/**
 * `vite build` makes the Chrome package in dist/; `vite build --mode firefox` the Firefox one in
 * dist-firefox/, whose background page hosts the engine's page in a frame (no offscreen document there).
 */
export default defineConfig(({ mode }) => {
  const firefox = mode === 'firefox';
  return {
    build: {
      target: firefox ? 'firefox140' : 'chrome116',
      outDir: firefox ? 'dist-firefox' : 'dist',
      chunkSizeWarningLimit: 2000,
      // The engine's page: Chrome's offscreen document, a frame of Firefox's background page.
      rolldownOptions: { input: { offscreen: 'src/offscreen/offscreen.html' } },
    },
    plugins: [
      crx({
        manifest: (firefox ? firefoxManifest(manifest) : manifest) as ManifestV3Export,
        browser: firefox ? 'firefox' : 'chrome',
        // One self-contained file, not a loader that imports chunks: those would have to be
        // web-accessible to every page, which could then tell Enhance is installed (and which version).
        contentScripts: { standaloneFiles: ['src/content/main.ts'] },
      }),
      bundledAssets(),
    ],
  };
});
