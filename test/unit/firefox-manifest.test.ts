import { describe, expect, it } from 'vitest';
import manifest from '../../manifest.json' with { type: 'json' };
import { FIREFOX_BACKGROUND, firefoxManifest } from '../../scripts/firefox-manifest';

describe('firefoxManifest', () => {
  const firefox = firefoxManifest(manifest);

  it("swaps the service worker for a background page that hosts the engine's page", () => {
    expect(firefox.background).toEqual({ scripts: [FIREFOX_BACKGROUND], type: 'module' });
    expect(firefox.permissions).not.toContain('offscreen');
    expect(firefox.permissions).toEqual(manifest.permissions.filter((p) => p !== 'offscreen'));
  });

  it('drops the keys only Chrome reads and names the add-on for Gecko', () => {
    for (const key of ['minimum_chrome_version', 'cross_origin_embedder_policy', 'cross_origin_opener_policy']) {
      expect(firefox).not.toHaveProperty(key);
    }
    expect(firefox.browser_specific_settings).toMatchObject({ gecko: { id: expect.stringContaining('@') } });
  });

  it('keeps everything else, and leaves the Chrome manifest as it was', () => {
    for (const key of ['name', 'version', 'action', 'options_ui', 'commands', 'content_scripts', 'content_security_policy', 'host_permissions'] as const) {
      expect(firefox[key]).toEqual(manifest[key]);
    }
    expect(manifest.background).toEqual({ service_worker: 'src/background/main.ts', type: 'module' });
    expect(manifest.permissions).toContain('offscreen');
  });
});
