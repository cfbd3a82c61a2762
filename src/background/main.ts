/** The service worker: menus, routing to the engine, and the `self.enhance` automation surface. */
import browser from 'webextension-polyfill';
import { isBackgroundRequest } from '../shared/protocol';
import { logError } from '../shared/log';
import { createMenus, onMenuClick, showEnhancedItems } from './context-menu';
import * as api from './enhance-api';

declare global {
  // Documented in the README: the functions the menu calls, for automation and tests.
  var enhance: { upscale: typeof api.upscale; restore: typeof api.restore; status: typeof api.status; saveEnhanced: typeof api.saveEnhanced };
}

self.enhance = { upscale: api.upscale, restore: api.restore, status: api.status, saveEnhanced: api.saveEnhanced };

browser.runtime.onInstalled.addListener(createMenus);
browser.contextMenus.onClicked.addListener((info, tab) => {
  onMenuClick(info, tab).catch((error: unknown) => logError('menu click', error));
});
browser.runtime.onMessage.addListener((message: unknown) => {
  if (!isBackgroundRequest(message) || message.type !== 'menu-context') return undefined;
  return showEnhancedItems(message.enhanced).catch((error: unknown) => logError('menu update', error));
});
