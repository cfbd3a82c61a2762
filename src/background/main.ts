/** The service worker: menus, the message router, per-tab counts, and the `self.enhance` automation surface. */
import browser, { type Runtime } from 'webextension-polyfill';
import { isBackgroundRequest } from '../shared/protocol';
import { logError } from '../shared/log';
import { showCounts, styleBadge } from './badge';
import { createMenus, onMenuClick } from './context-menu';
import * as api from './enhance-api';
import { NO_COUNTS } from './frame-counts';
import { serveOpenTabsOnce } from './open-tabs';
import { route } from './router';
import { onCommand } from './shortcut';
import { forgetTab, forgetTabIfOtherPage } from './tab-counts-store';

declare global {
  // Documented in the README: the functions the menu calls, for automation and tests.
  var enhance: {
    upscale: typeof api.upscale;
    restore: typeof api.restore;
    status: typeof api.status;
    saveEnhanced: typeof api.saveEnhanced;
    setSiteAuto: typeof api.setSiteAuto;
  };
}

self.enhance = { upscale: api.upscale, restore: api.restore, status: api.status, saveEnhanced: api.saveEnhanced, setSiteAuto: api.setSiteAuto };

styleBadge();
serveOpenTabsOnce();
browser.runtime.onInstalled.addListener(createMenus);
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

browser.tabs.onRemoved.addListener((tabId) => {
  forgetTab(tabId).catch((error: unknown) => logError('tab counts', error));
});
browser.tabs.onUpdated.addListener((tabId, changeInfo) => {
  // changeInfo.url is there when the tab shows a new URL; an in-page link keeps the page and its counts.
  if (changeInfo.url === undefined) return;
  forgetTabIfOtherPage(tabId, changeInfo.url)
    .then((forgotten) => (forgotten ? showCounts(tabId, NO_COUNTS) : undefined))
    .catch((error: unknown) => logError('tab counts', error));
});
