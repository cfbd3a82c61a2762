import { describe, expect, it } from 'vitest';
import { tabsOnSwitchedSites, tabsToServe } from './tabs-to-serve';

const on = { 'https://photos.example': true };
const tab = (id: number, url: string, more: { status?: string; discarded?: boolean } = {}) => ({ id, url, status: 'complete', discarded: false, ...more });

describe('tabsToServe', () => {
  it('picks tabs on a site switched on, any page of it', () => {
    expect(tabsToServe([tab(1, 'https://photos.example/a'), tab(2, 'https://photos.example/b?c#d'), tab(3, 'https://other.example/')], on)).toEqual([1, 2]);
  });

  it('picks loading tabs (a page held by a request that never ends) and leaves discarded and unloaded ones', () => {
    expect(tabsToServe([tab(1, 'https://photos.example/', { status: 'loading' }), tab(2, 'https://photos.example/', { discarded: true }), tab(3, 'https://photos.example/', { status: 'unloaded' })], on)).toEqual([1]);
  });

  it('leaves tabs it may not read or script, and non-web pages', () => {
    expect(tabsToServe([{ id: 1 }, { url: 'https://photos.example/' }, tab(3, 'chrome://extensions/'), tab(4, 'about:blank')], on)).toEqual([]);
  });

  it('serves nothing when no site is on', () => expect(tabsToServe([tab(1, 'https://photos.example/')], {})).toEqual([]));
});

describe('tabsOnSwitchedSites', () => {
  const tabs = [tab(1, 'https://photos.example/a'), tab(2, 'https://other.example/'), tab(3, 'https://photos.example/b', { status: 'loading' })];

  it('picks tabs on the sites whose switch changed, on or off', () => {
    expect(tabsOnSwitchedSites(tabs, ['autoSite:https://photos.example'])).toEqual([1, 3]);
  });

  it('nothing when no switch changed (the settings, say)', () => expect(tabsOnSwitchedSites(tabs, ['settings', 'autoSites'])).toEqual([]));
});
