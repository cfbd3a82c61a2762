/** The image context menu: Enhance x2 / x4 always; Restore and Save only on enhanced images. */
import browser, { type Menus, type Tabs } from 'webextension-polyfill';
import { textOf } from '../core/errors';
import { logError } from '../shared/log';
import type { ContentRequest, ContentResponses } from '../shared/protocol';
import { showFailure } from './badge';
import { restore, saveEnhanced, upscale } from './enhance-api';

const ENHANCE_PREFIX = 'enhance-x';
const RESTORE = 'restore-original';
const SAVE = 'save-enhanced';
const SCALES = [2, 4];

export function createMenus(): void {
  browser.contextMenus.removeAll().then(() => {
    for (const scale of SCALES) {
      browser.contextMenus.create({ id: `${ENHANCE_PREFIX}${scale}`, title: `Enhance x${scale}`, contexts: ['image'] });
    }
    browser.contextMenus.create({ id: RESTORE, title: 'Restore original', contexts: ['image'], visible: false });
    browser.contextMenus.create({ id: SAVE, title: 'Save enhanced image', contexts: ['image'], visible: false });
  }, (error: unknown) => logError('menus', error));
}

/**
 * Chrome keeps menu items, as last updated, across browser restarts: Restore and Save would show
 * on every image until an enhanced one is hovered, if the last word before quitting was 'enhanced'.
 */
export function hideEnhancedItemsOnStart(): void {
  browser.runtime.onStartup.addListener(() => {
    showEnhancedItems(false).catch((error: unknown) => logError('menus', error));
  });
}

/** Called from the content script's contextmenu event, before the menu is shown. */
export async function showEnhancedItems(enhanced: boolean): Promise<void> {
  await Promise.all([RESTORE, SAVE].map((id) => browser.contextMenus.update(id, { visible: enhanced })));
}

/**
 * Firefox tells when a menu shows and can redraw it: the image's frame says whether the image
 * right-clicked is one of ours, and Restore and Save are set to match in the open menu. The
 * pointer's updates from the page usually land before the menu is built, but not always (the
 * background page asleep, a busy page); Chrome has neither event nor redraw.
 */
export function settleEnhancedItemsWhenShown(): void {
  // Counts the menus shown and hidden: an answer that comes once its menu has gone would redraw
  // the one open now (menus.refresh redraws whichever is), another image's perhaps.
  let menuInstance = 0;
  browser.contextMenus.onHidden.addListener(() => void menuInstance++);
  browser.contextMenus.onShown.addListener((info, tab) => {
    const instance = ++menuInstance;
    // No tab for a menu in an extension page of ours (the popup).
    if (!info.contexts.includes('image') || tab?.id === undefined) return;
    // Firefox gives the frame (its types leave it out).
    const { frameId = 0 } = info as { frameId?: number };
    const shownEnhanced = info.menuIds.includes(RESTORE);
    // Straight to the frame, no script injected: a page without our script holds none of our images.
    const asked = browser.tabs.sendMessage(tab.id, { type: 'menu-target' } satisfies ContentRequest, { frameId }) as Promise<ContentResponses['menu-target']>;
    asked
      .catch(() => ({ enhanced: false }))
      .then(async ({ enhanced }) => {
        if (enhanced === shownEnhanced || instance !== menuInstance) return;
        await showEnhancedItems(enhanced);
        await browser.contextMenus.refresh();
      })
      .catch((error: unknown) => logError('menus', error));
  });
}

export async function onMenuClick(info: Menus.OnClickData, tab: Tabs.Tab | undefined): Promise<void> {
  if (tab?.id === undefined || !info.srcUrl) return;
  const id = String(info.menuItemId);
  const frameId = info.frameId ?? 0;
  if (id.startsWith(ENHANCE_PREFIX)) await upscale(tab.id, info.srcUrl, Number(id.slice(ENHANCE_PREFIX.length)), frameId, info.frameUrl);
  else if (id === RESTORE) await restore(tab.id, info.srcUrl, frameId);
  else if (id === SAVE) await saveOrSayWhy(tab.id, info.srcUrl, frameId);
}

/**
 * A save that cannot happen says why on the toolbar button, the click's only other answer being
 * nothing: the image was put back since the menu opened, or the browser refused the download.
 */
async function saveOrSayWhy(tabId: number, srcUrl: string, frameId: number): Promise<void> {
  let saved: boolean;
  try {
    saved = await saveEnhanced(tabId, srcUrl, frameId);
  } catch (error) {
    // The user cancelled the browser's Save As dialog (Firefox rejects the download then; Chrome does not).
    if (/cancell?ed by the user/i.test(textOf(error))) return;
    logError('save', error);
    await showFailure(tabId, `The enhanced image could not be saved: ${textOf(error)}`);
    return;
  }
  if (!saved) await showFailure(tabId, 'This image shows its original again, so there is no enhanced image to save.');
}
