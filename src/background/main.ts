/** The service worker: menus, the message router, per-tab counts, and the `self.enhance` automation surface. */
import browser, { type Runtime } from 'webextension-polyfill';
import { isBackgroundRequest, type ContentRequest } from '../shared/protocol';
import { logError } from '../shared/log';
import { onSettingsChanged } from '../shared/settings-store';
import { showCounts, styleBadge } from './badge';
import { createMenus, hideEnhancedItemsOnStart, onMenuClick } from './context-menu';
import * as api from './enhance-api';
import { serveOpenTabsOnce, serveTabsOnSwitchChange } from './open-tabs';
import { tellEngineIdleMinutes } from './engine-client';
import { route } from './router';
import { onCommand, toggleSiteAuto } from './shortcut';
import { forgetTab, forgetTabIfCounted, forgetTabIfOtherPage, tabCounts } from './tab-counts-store';

declare global {
  // Documented in the README: the functions the menu calls, for automation and tests.
  var enhance: {
    upscale: typeof api.upscale;
    restore: typeof api.restore;
    status: typeof api.status;
    saveEnhanced: typeof api.saveEnhanced;
    setSiteAuto: typeof api.setSiteAuto;
    toggleSiteAuto: typeof toggleSiteAuto;
  };
}

self.enhance = { upscale: api.upscale, restore: api.restore, status: api.status, saveEnhanced: api.saveEnhanced, setSiteAuto: api.setSiteAuto, toggleSiteAuto };

styleBadge();
serveOpenTabsOnce();
serveTabsOnSwitchChange();
browser.runtime.onInstalled.addListener(createMenus);
hideEnhancedItemsOnStart();
browser.contextMenus.onClicked.addListener((info, tab) => {
  onMenuClick(info, tab).catch((error: unknown) => logError('menu click', error));
});
browser.commands.onCommand.addListener((command, tab) => {
  onCommand(command, tab).catch((error: unknown) => logError('shortcut', error));
});

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  if (!isBackgroundRequest(message)) return undefined;
  // Logged here, and still rejected: the sender learns why its request failed.
  return route(message, sender).catch((error: unknown) => {
    logError(message.type, error);
    throw error;
  });
});

onSettingsChanged((settings) => {
  tellEngineIdleMinutes(settings.engineIdleMinutes).catch((error: unknown) => logError('idle minutes', error));
});

browser.tabs.onRemoved.addListener((tabId) => {
  forgetTab(tabId).catch((error: unknown) => logError('tab counts', error));
});
/**
 * The tab's counts were forgotten: the frames there now say what they hold. A single-page app that
 * changed its URL keeps its document and its enhanced images; a reloaded page's frames hold none
 * yet (and report on their own later); a page without our script has nothing to say.
 */
async function recount(tabId: number): Promise<void> {
  await browser.tabs.sendMessage(tabId, { type: 'report-counts' } satisfies ContentRequest).catch(() => undefined);
  await showCounts(tabId, await tabCounts(tabId));
}

browser.tabs.onUpdated.addListener((tabId, changeInfo) => {
  // A new URL (a link, or a single-page app's history.pushState) is told at once; a reload, which
  // keeps the URL, once it is complete, when the old document and its frames are surely gone.
  const forgetting =
    changeInfo.url !== undefined ? forgetTabIfOtherPage(tabId, changeInfo.url) : changeInfo.status === 'complete' ? forgetTabIfCounted(tabId) : undefined;
  forgetting?.then((forgotten) => (forgotten ? recount(tabId) : undefined)).catch((error: unknown) => logError('tab counts', error));
});
