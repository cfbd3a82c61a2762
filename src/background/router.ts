/**
 * The one place runtime messages to the worker are handled: each request type has its handler,
 * typed with its response, and each is taken only from the sender that may send it.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { BackgroundRequest, BackgroundResponses, PageKind, TabCounts, TabStatus } from '../shared/protocol';
import { fromExtension } from '../shared/extension-sender';
import { logError } from '../shared/log';
import { originOf } from '../shared/site-switches';
import { isSiteAuto } from '../shared/site-switches-store';
import { loadSettings } from '../shared/settings-store';
import { showCounts } from './badge';
import { fileAccess, keptOut, maySiteBeRead, siteWithheld } from './browser-kind';
import { showEnhancedItems } from './context-menu';
import { askRunningEngine, clearEngineCache, engineCacheUsage, engineSettingsOf, ensureEngine, releaseEngine, runningEngineInfo, trimEngineCache } from './engine-client';
import { addRefererRule, dropRefererRule } from './page-referer';
import { scriptReaches } from './script-reach';
import { recordFrameCounts, tabCounts } from './tab-counts-store';
import { recount } from './tab-life';

/** Only extension pages (popup and options page, shown as a popup or in a tab) may ask about tabs and the cache. */
function requireExtensionPage(sender: Runtime.MessageSender, type: BackgroundRequest['type']): void {
  if (!fromExtension(sender, browser.runtime.getURL(''))) throw new Error(`'${type}' is answered to extension pages only`);
}

/** A content script reports the counts of the frame it runs in. */
async function onTabCounts(sender: Runtime.MessageSender, counts: TabCounts): Promise<void> {
  const tabId = sender.tab?.id;
  if (tabId === undefined || sender.frameId === undefined) throw new Error("'tab-counts' comes from a tab's frame only");
  const { total, askFrames } = await recordFrameCounts(tabId, { frameId: sender.frameId, documentId: sender.documentId, tabUrl: sender.tab?.url ?? '', counts });
  await showCounts(tabId, total);
  if (askFrames) void recount(tabId).catch((error: unknown) => logError('tab counts', error));
  // Queued images go to the engine over a port of their own: it is started now, so that it is up
  // by the time the content script, which awaits this answer, opens one. Not for a tab in the
  // background, whose queue waits until it is shown (a job that finds no engine starts it itself):
  // links opened in new tabs on a switched-on site would start it to sit idle.
  if (counts.queued > 0 && sender.tab?.active !== false) await ensureEngine();
}

async function pageKind(url: string | undefined): Promise<PageKind> {
  if (url !== undefined && originOf(url) !== null) return keptOut(url) ? 'kept-out' : 'web';
  // A local file counts as one where Enhance may work in it (Chrome, file access on; its URL is
  // hidden otherwise) and where no switch would let it (Firefox).
  if (url?.startsWith('file:')) {
    const access = await fileAccess();
    if (access === 'allowed') return 'file';
    if (access === 'never') return 'file-closed';
  }
  if (await siteWithheld(url)) return 'withheld';
  return url === undefined && (await fileAccess()) === 'off' ? 'hidden' : 'other';
}

async function tabStatus(tabId: number): Promise<TabStatus> {
  const tab = await browser.tabs.get(tabId);
  const origin = tab.url === undefined ? null : originOf(tab.url);
  let page = await pageKind(tab.url);
  // Not while it loads: the script starts once the page has (document_idle).
  if (page === 'web' && tab.status === 'complete') {
    const reach = await scriptReaches(tabId);
    if (reach !== 'reached') page = reach;
  }
  // The click that opened the popup lets Enhance into this tab (site access "on click"): its script
  // runs now, but no later visit would start it, so a switch turned on here would seem to do nothing.
  if (page === 'web' && tab.url !== undefined && !(await maySiteBeRead(tab.url))) page = 'click-only';
  const [auto, counts, info] = await Promise.all([origin === null ? false : isSiteAuto(origin), tabCounts(tabId), runningEngineInfo()]);
  return { origin, page, auto, counts, engine: info };
}

export async function route(request: BackgroundRequest, sender: Runtime.MessageSender): Promise<BackgroundResponses[BackgroundRequest['type']]> {
  switch (request.type) {
    case 'menu-context':
      return showEnhancedItems(request.enhanced);
    case 'tab-counts':
      return onTabCounts(sender, request.counts);
    case 'tab-origin':
      return sender.tab?.url === undefined ? null : originOf(sender.tab.url);
    case 'may-read-site':
      return maySiteBeRead(request.url);
    case 'tab-status':
      requireExtensionPage(sender, request.type);
      return tabStatus(request.tabId);
    case 'engine-status':
      requireExtensionPage(sender, request.type);
      return runningEngineInfo();
    case 'cache-usage':
      requireExtensionPage(sender, request.type);
      return request.ifRunning === true ? askRunningEngine({ target: 'offscreen', type: 'cache-usage' }) : engineCacheUsage();
    case 'clear-cache':
      requireExtensionPage(sender, request.type);
      return clearEngineCache();
    case 'trim-cache':
      requireExtensionPage(sender, request.type);
      return trimEngineCache(request.limitBytes);
    case 'start-engine':
      return ensureEngine();
    case 'engine-idle':
      requireExtensionPage(sender, request.type);
      return releaseEngine();
    case 'engine-settings':
      requireExtensionPage(sender, request.type);
      return engineSettingsOf(await loadSettings());
    case 'add-referer-rule':
      requireExtensionPage(sender, request.type);
      return addRefererRule(request.url, request.referer);
    case 'drop-referer-rule':
      requireExtensionPage(sender, request.type);
      return dropRefererRule(request.ruleId);
  }
}
