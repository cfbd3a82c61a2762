import { describe, expect, it, vi } from 'vitest';

vi.mock('webextension-polyfill', () => ({ default: { runtime: { getManifest: () => ({ action: { default_title: 'Enhance' } }) } } }));
const { switchedTitle } = await import('./shortcut');

describe('switchedTitle', () => {
  it('names the switch and the site', () => expect(switchedTitle(true, 'münchen.de', false)).toBe('Enhance: auto-enhance on for münchen.de'));

  it('in a private window, says the switch is kept and synced all the same', () =>
    expect(switchedTitle(false, 'example.com', true)).toBe(
      "Enhance: auto-enhance off for example.com in every window, private ones included, and synced with your browser account",
    ));
});
