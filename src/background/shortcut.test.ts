import { beforeEach, describe, expect, it, vi } from 'vitest';

/** The tab's site, whether Enhance may read it outside a click, and what the shortcut said. */
const world = vi.hoisted(() => ({ readable: true, switchedOn: false, titles: [] as string[], onPage: [] as string[] }));
vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: { getManifest: () => ({ action: { default_title: 'Enhance' } }) },
    tabs: {
      get: async (tabId: number) => ({ id: tabId, url: 'https://example.com/photos', status: 'complete', incognito: false }),
      sendMessage: async (_tabId: number, message: { text: string }) => void world.onPage.push(message.text),
    },
  },
}));
vi.mock('./browser-kind', () => ({ keptOut: () => false, siteWithheld: async () => false, maySiteBeRead: async () => world.readable }));
vi.mock('./script-reach', () => ({ scriptReaches: async () => 'reached' }));
vi.mock('./badge', () => ({
  showFailure: vi.fn(),
  showNotice: async (_tabId: number, _badge: string, title: string) => void world.titles.push(title),
}));
vi.mock('./tab-counts-store', () => ({ tabCounts: async () => ({ enhanced: 0, queued: 0, failed: 0 }) }));
vi.mock('../shared/site-switches-store', () => ({
  isSiteAuto: async () => world.switchedOn,
  setSiteAuto: async (_origin: string, on: boolean) => void (world.switchedOn = on),
}));
const { switchedTitle, toggleSiteAuto } = await import('./shortcut');

describe('switchedTitle', () => {
  it('names the switch and the site', () => expect(switchedTitle(true, 'münchen.de', false)).toBe('Enhance: auto-enhance on for münchen.de'));

  it('in a private window, says the switch is kept and synced all the same', () =>
    expect(switchedTitle(false, 'example.com', true)).toBe(
      "Enhance: auto-enhance off for example.com in every window, private ones included, and synced with your browser account",
    ));
});

describe('the shortcut on a site Enhance may read only when clicked (site access "on click")', () => {
  beforeEach(() => {
    world.switchedOn = false;
    world.titles = [];
    world.onPage = [];
  });

  it('switched on, says that the next visits will not start by themselves, on the button and the page', async () => {
    world.readable = false;
    await expect(toggleSiteAuto(1)).resolves.toBe(true);
    for (const said of [world.titles[0], world.onPage[0]]) {
      expect(said).toMatch(/^Enhance: auto-enhance on for example\.com\. Enhance may read this site only when you click its button or press its shortcut\. To have it enhance images here by itself on your next visits/);
    }
  });

  it('switched off, or on a site it may read, says only the switch', async () => {
    world.readable = false;
    world.switchedOn = true;
    await expect(toggleSiteAuto(1)).resolves.toBe(false);
    world.readable = true;
    await expect(toggleSiteAuto(1)).resolves.toBe(true);
    expect(world.titles).toEqual(['Enhance: auto-enhance off for example.com', 'Enhance: auto-enhance on for example.com']);
  });
});
