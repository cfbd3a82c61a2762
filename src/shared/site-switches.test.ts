import { describe, expect, it } from 'vitest';
import { enabledOrigins, isAutoEnabled, isSiteSwitchKey, originOf, parseSiteSwitches, siteKey, siteSwitchChange, siteSwitchesFromStorage, switchesSite } from './site-switches';

describe('originOf', () => {
  it.each([
    ['https://example.com/a/b?c#d', 'https://example.com'],
    ['http://example.com:8080/', 'http://example.com:8080'],
    ['https://example.com:443/x', 'https://example.com'],
    ['HTTPS://Example.COM/Path', 'https://example.com'],
    ['https://user:pw@shop.example.com/', 'https://shop.example.com'],
    ['https://bücher.example/', 'https://xn--bcher-kva.example'],
    ['http://127.0.0.1:3000/page', 'http://127.0.0.1:3000'],
  ])('%s -> %s', (url, origin) => {
    expect(originOf(url)).toBe(origin);
  });

  it.each([
    'file:///home/me/page.html',
    'chrome://extensions',
    'chrome-extension://abcdef/popup.html',
    'about:blank',
    'data:text/html,<p>',
    'blob:https://example.com/0b7c1e52',
    'ftp://example.com/',
    'example.com',
    '',
  ])('has no origin for %s', (url) => {
    expect(originOf(url)).toBeNull();
  });
});

describe('site switches', () => {
  const site = 'https://example.com';

  it('are off for a site never switched on', () => {
    expect(isAutoEnabled({}, site)).toBe(false);
    expect(isAutoEnabled({ 'https://other.example': true }, site)).toBe(false);
  });

  it('are off for names an object has of its own', () => {
    expect(isAutoEnabled({}, 'constructor')).toBe(false);
    expect(isAutoEnabled({}, '__proto__')).toBe(false);
  });

  it('key by origin, so every page of a site shares one switch', () => {
    const switches = siteSwitchesFromStorage({ [siteKey(originOf('https://example.com/gallery/1') ?? '')]: true });
    expect(isAutoEnabled(switches, originOf('https://example.com/about?x=1') ?? '')).toBe(true);
    expect(isAutoEnabled(switches, originOf('http://example.com/') ?? '')).toBe(false);
    expect(isAutoEnabled(switches, originOf('https://www.example.com/') ?? '')).toBe(false);
  });
});

describe('parseSiteSwitches', () => {
  it('keeps a valid stored map', () => {
    const stored = { 'https://example.com': true, 'http://localhost:8080': true };
    expect(parseSiteSwitches(stored)).toEqual(stored);
  });

  it('drops entries that are off, not true, or not a canonical origin', () => {
    expect(
      parseSiteSwitches({
        'https://on.example': true,
        'https://off.example': false,
        'https://truthy.example': 'yes',
        'https://example.com/path': true,
        'HTTPS://UPPER.example': true,
        'file:///tmp': true,
        'not a url': true,
        ['__proto__']: true, // computed: an own key, as JSON.parse makes it
      }),
    ).toEqual({ 'https://on.example': true });
  });

  it.each([undefined, null, 'https://example.com', 7, [['https://example.com', true]]])('reads %j as no site switched on', (raw) => {
    expect(parseSiteSwitches(raw)).toEqual({});
  });
});

describe('enabledOrigins', () => {
  it('lists the sites switched on by host name, then scheme and port', () => {
    const switches = { 'https://zebra.example': true, 'https://b.example:8443': true, 'http://b.example': true, 'https://a.example': true };
    expect(enabledOrigins(switches)).toEqual(['https://a.example', 'http://b.example', 'https://b.example:8443', 'https://zebra.example']);
  });

  it('sorts international names as they are shown, not by their encoded form', () => {
    const switches = { 'https://nike.example': true, 'https://xn--mnchen-3ya.example': true, 'https://apple.example': true };
    expect(enabledOrigins(switches)).toEqual(['https://apple.example', 'https://xn--mnchen-3ya.example', 'https://nike.example']);
  });

  it('leaves out entries that are not switched on', () => {
    expect(enabledOrigins({ 'https://a.example': false, 'https://b.example': true })).toEqual(['https://b.example']);
  });

  it('is empty when no site is on', () => expect(enabledOrigins({})).toEqual([]));
});

describe('siteSwitchesFromStorage', () => {
  it('reads one item per site, beside the settings, and the legacy map where still stored', () => {
    const items = {
      settings: { profile: 'fast' },
      [siteKey('https://a.example')]: true,
      [siteKey('https://off.example')]: false,
      [siteKey('https://a.example/path')]: true,
      autoSites: { 'https://b.example': true },
    };
    expect(siteSwitchesFromStorage(items)).toEqual({ 'https://a.example': true, 'https://b.example': true });
    expect(siteSwitchesFromStorage({})).toEqual({});
  });

  it("lets a site's item switch off a site the legacy map has on", () => {
    const items = { autoSites: { 'https://b.example': true, 'https://c.example': true }, [siteKey('https://b.example')]: false };
    expect(siteSwitchesFromStorage(items)).toEqual({ 'https://c.example': true });
  });
});

describe('siteSwitchChange', () => {
  const legacy = { 'https://old.example': true };

  it('switches on with the site item, whatever the legacy map holds', () => {
    expect(siteSwitchChange('https://a.example', true, undefined)).toEqual({ set: { [siteKey('https://a.example')]: true } });
    expect(siteSwitchChange('https://old.example', true, legacy)).toEqual({ set: { [siteKey('https://old.example')]: true } });
  });

  it('switches off by removing the item, or by an item that says off where the legacy map, left for older versions, has the site on', () => {
    expect(siteSwitchChange('https://a.example', false, undefined)).toEqual({ remove: siteKey('https://a.example') });
    expect(siteSwitchChange('https://a.example', false, legacy)).toEqual({ remove: siteKey('https://a.example') });
    expect(siteSwitchChange('https://old.example', false, legacy)).toEqual({ set: { [siteKey('https://old.example')]: false } });
  });

  it('tells which changed items concern it', () => {
    expect(isSiteSwitchKey(siteKey('https://a.example'))).toBe(true);
    expect(isSiteSwitchKey('autoSites')).toBe(true);
    expect(isSiteSwitchKey('settings')).toBe(false);
  });
});

describe('switchesSite', () => {
  it("is the site's own item or the legacy map, not another site's item", () => {
    expect(switchesSite(['autoSite:https://a.example'], 'https://a.example')).toBe(true);
    expect(switchesSite(['autoSites'], 'https://a.example')).toBe(true);
    expect(switchesSite(['autoSite:https://b.example'], 'https://a.example')).toBe(false);
    expect(switchesSite(['autoSite:https://a.example.org'], 'https://a.example')).toBe(false);
    expect(switchesSite(['autoSite:https://a.example'], null)).toBe(false);
    expect(switchesSite(['autoSites'], null)).toBe(true);
  });
});
