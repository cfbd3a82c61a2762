/** The service worker: menus, the message router, per-tab counts, and the `self.enhance` automation surface. */
import browser, { type Runtime } from 'webextension-polyfill';
import { isBackgroundRequest } from '../shared/protocol';
import { logError } from '../shared/log';
import { onSettingsChanged } from '../shared/settings-store';
import { styleBadge } from './badge';
import { createMenus, hideEnhancedItemsOnStart, onMenuClick } from './context-menu';
import * as api from './enhance-api';
import { serveOpenTabsOnce, serveTabsOnSwitchChange } from './open-tabs';
import { tellEngineSettings, trimEngineCache } from './engine-client';
import { route } from './router';
import { onCommand, toggleSiteAuto } from './shortcut';
import { followTabs } from './tab-life';

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

onSettingsChanged((settings, loweredLimit) => {
  tellEngineSettings(settings).catch((error: unknown) => logError('engine settings', error));
  // A cache limit lowered on another device (through sync) frees the space here too, at once: the
  // options page that saved it trims only its own device's cache.
  if (loweredLimit !== null) trimEngineCache(loweredLimit).catch((error: unknown) => logError('trim cache', error));
});

followTabs();
