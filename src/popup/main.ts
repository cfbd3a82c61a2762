/** The toolbar popup: the current tab's site switch, counts and page actions, and the profile. */
import browser from 'webextension-polyfill';
import { textOf } from '../core/errors';
import type { ProfileSetting } from '../core/scale-choice';
import { askWorker } from '../shared/ask-worker';
import { byId } from '../shared/by-id';
import { TOGGLE_AUTO } from '../shared/commands';
import { sendToContent } from '../shared/content-messaging';
import { displayOrigin } from '../shared/display-origin';
import { logError } from '../shared/log';
import { NO_COUNTS, tabCountsKey, type TabStatus } from '../shared/protocol';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings';
import { loadSettings, saveSettings } from '../shared/settings-store';
import { setSiteAuto } from '../shared/site-switches-store';
import { ReadOrder } from './read-order';
import { backendText, pageControls, pageRequestFailure, placeText, shortcutText, tabIdFromQuery } from './view';

const ui = {
  origin: byId('origin'),
  unavailable: byId('unavailable'),
  pageControls: byId<HTMLFieldSetElement>('page-controls'),
  auto: byId<HTMLInputElement>('auto'),
  enhanceAll: byId<HTMLButtonElement>('enhance-all'),
  restoreAll: byId<HTMLButtonElement>('restore-all'),
  counts: byId('counts'),
  enhanced: byId('enhanced'),
  queued: byId('queued'),
  failed: byId('failed'),
  profile: byId<HTMLSelectElement>('profile'),
  backend: byId('backend'),
  message: byId('message'),
  privateNote: byId('private-note'),
  openOptions: byId<HTMLButtonElement>('open-options'),
  shortcut: byId('shortcut'),
};

const READ_FAILED = 'Could not read this tab';
/** How often at most other tabs' jobs make the popup read the engine's backend again. */
const BACKEND_REFRESH_MS = 1000;
/**
 * Said when Enhance all queued nothing, in no frame; a frame that answers late clears it with its
 * counts. It names the settings it went by: an image shown larger than its pixels, by less, a
 * small one, or one over the largest size, is left.
 */
const NOTHING_QUEUED = 'Enhance all found no image on this page';
function nothingQueued({ minUpscaleFactor, minSide, maxInputPixels }: Settings): string {
  return `${NOTHING_QUEUED} to enhance: it takes those shown at least ${minUpscaleFactor} times their pixel size on this screen, ${minSide} px or more on their shorter side, and of ${maxInputPixels.toLocaleString('en-US')} pixels at most (the three settings), not SVG or animated. Right-click an image to enhance it whatever its size on screen or its shorter side.`;
}
/** The same, where images are enhanced already: "found no image" beside "Enhanced 14" would read as a fault. */
const ALL_ENHANCED = 'Every image on this page that needs it is enhanced already.';

function say(text: string): void {
  ui.message.textContent = text;
}

const SWITCH_FAILED = 'Could not change the switch';
const PROFILE_FAILED = 'Could not save the profile';

/** Clears a failure message once the same kind of change succeeded: it would read as the latest outcome. */
function sayNoMore(failure: string): void {
  if (ui.message.textContent?.startsWith(failure)) say('');
}

/** The tab is in a private window: the site switch says it is synced all the same. */
let inPrivateWindow = false;

/** The tab's reads, in the order they may be drawn; writes of the switch or the profile under way, which no read sets back. */
const reads = new ReadOrder();

function render(status: TabStatus, profile: ProfileSetting): void {
  ui.origin.textContent = placeText(status, displayOrigin);
  const controls = pageControls(status);
  // A live region: written only when it changes, or it is read out again on every refresh.
  if (ui.unavailable.textContent !== (controls.note ?? '')) ui.unavailable.textContent = controls.note ?? '';
  ui.pageControls.disabled = !controls.actions && !controls.siteSwitch;
  ui.enhanceAll.disabled = !controls.actions;
  ui.restoreAll.disabled = !controls.actions;
  ui.auto.disabled = !controls.siteSwitch;
  if (!reads.controlsBusy) ui.auto.checked = status.auto;
  ui.privateNote.hidden = !(inPrivateWindow && controls.siteSwitch);
  // Described by the note only while it shows: a hidden element named here is read out all the same.
  if (ui.privateNote.hidden) ui.auto.removeAttribute('aria-describedby');
  else ui.auto.setAttribute('aria-describedby', ui.privateNote.id);
  // Only what changed: the counts are a live region, read out whole on every write. While images
  // wait it is busy, which screen readers keep quiet about: one reading when the last is done, not
  // one per image of an Enhance all.
  ui.counts.setAttribute('aria-busy', String(status.counts.queued > 0));
  for (const [element, count] of [[ui.enhanced, status.counts.enhanced], [ui.queued, status.counts.queued], [ui.failed, status.counts.failed]] as const) {
    if (element.textContent !== String(count)) element.textContent = String(count);
  }
  ui.backend.textContent = backendText(status.engine);
  if (!reads.controlsBusy) ui.profile.value = profile;
}

async function targetTabId(): Promise<number | null> {
  const named = tabIdFromQuery(location.search);
  if (named !== null) return named;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}


async function start(): Promise<void> {
  // The profile is a setting, not the tab's: shown at once, even where the tab cannot be read.
  ui.profile.value = (await loadSettings()).profile;
  const tabId = await targetTabId();
  if (tabId === null) {
    render({ origin: null, page: 'other', auto: false, counts: NO_COUNTS, engine: null }, ui.profile.value as ProfileSetting);
    return;
  }

  let origin: string | null = null;
  /** The enhanced count drawn last: a frame's images enhanced from the cache after Enhance all may never show as queued. */
  let enhancedShown = 0;
  let enhancedBeforeEnhanceAll = 0;
  const refresh = async () => {
    const ticket = reads.next();
    const [status, settings] = await Promise.all([askWorker({ type: 'tab-status', tabId }), loadSettings()]);
    if (!reads.claim(ticket)) return;
    origin = status.origin;
    enhancedShown = status.counts.enhanced;
    render(status, settings.profile);
    // A read that failed before is over: its message would now be stale.
    if (ui.message.textContent?.startsWith(READ_FAILED)) say('');
    if ((ui.message.textContent?.startsWith(NOTHING_QUEUED) || ui.message.textContent === ALL_ENHANCED) && (status.counts.queued > 0 || status.counts.enhanced > enhancedBeforeEnhanceAll)) say('');
  };
  const refreshLogged = () => {
    refresh().catch((error: unknown) => {
      logError('popup', error);
      say(`${READ_FAILED}: ${textOf(error)}`);
    });
  };

  // The engine is shared: another tab's job may move it to WASM (WebGPU failing) while the popup
  // is open. Its counts change often; the backend line alone is read again, at most once a second.
  let backendTimer: number | undefined;
  const refreshBackendSoon = () => {
    backendTimer ??= window.setTimeout(() => {
      backendTimer = undefined;
      askWorker({ type: 'engine-status' }).then(
        (engine) => (ui.backend.textContent = backendText(engine)),
        (error: unknown) => logError('popup', error),
      );
    }, BACKEND_REFRESH_MS);
  };

  // Counts live in storage.session and switches and settings in storage.sync: the popup follows
  // them while it is open, without polling; other tabs' counts change often and are not its.
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'session' || Object.hasOwn(changes, tabCountsKey(tabId))) refreshLogged();
    else refreshBackendSoon();
  });
  // A tab that goes to another page changes no storage when neither page has counts to keep: the
  // popup opened while it loaded would show, and switch, the site it left.
  browser.tabs.onUpdated.addListener((updatedId, change) => {
    if (updatedId === tabId && (change.url !== undefined || change.status !== undefined)) refreshLogged();
  });

  /** Saves the user's change of a control; reads started before it, or while it is written, leave the control alone. */
  const writeControl = (write: Promise<unknown>, failure: string) => {
    const settled = reads.writing();
    write.then(
      () => {
        settled();
        sayNoMore(failure);
        // The reads it dropped are made up for: a write of the value already stored changes no storage.
        refreshLogged();
      },
      (error: unknown) => {
        settled();
        say(`${failure}: ${textOf(error)}`);
        refreshLogged();
      },
    );
  };
  ui.auto.addEventListener('change', () => {
    if (origin !== null) writeControl(setSiteAuto(origin, ui.auto.checked), SWITCH_FAILED);
  });
  ui.profile.addEventListener('change', () => writeControl(saveSettings({ profile: ui.profile.value as ProfileSetting }), PROFILE_FAILED));
  ui.enhanceAll.addEventListener('click', () => {
    say('');
    enhancedBeforeEnhanceAll = enhancedShown;
    // To every frame of the tab: each enhances or restores its own images, and the counts show the sum.
    sendToContent(tabId, { type: 'enhance-all' }).then(
      async ({ queued }) => {
        if (queued > 0) return;
        // The answer is the first frame's (an empty ad frame's, say): the tab's counts sum them all.
        const [status, settings] = await Promise.all([askWorker({ type: 'tab-status', tabId }), loadSettings().catch(() => DEFAULT_SETTINGS)]);
        if (status.counts.queued === 0 && status.counts.enhanced <= enhancedBeforeEnhanceAll) say(status.counts.enhanced > 0 ? ALL_ENHANCED : nothingQueued(settings));
      },
      (error: unknown) => say(pageRequestFailure(error)),
    ).catch((error: unknown) => logError('popup', error));
  });
  ui.restoreAll.addEventListener('click', () => {
    say('');
    sendToContent(tabId, { type: 'restore-all' }).catch((error: unknown) => say(pageRequestFailure(error)));
  });

  inPrivateWindow = (await browser.tabs.get(tabId)).incognito;
  await refresh();
}

ui.openOptions.addEventListener('click', () => {
  browser.runtime.openOptionsPage().then(
    () => window.close(),
    (error: unknown) => logError('popup', error),
  );
});

// The keys as the browser has them now: the user may change them in its shortcuts page.
browser.commands.getAll().then(
  (commands) => (ui.shortcut.textContent = shortcutText(commands.find((command) => command.name === TOGGLE_AUTO)?.shortcut)),
  (error: unknown) => logError('popup', error),
);

start().catch((error: unknown) => {
  logError('popup', error);
  ui.pageControls.disabled = true;
  say(`${READ_FAILED}: ${textOf(error)}`);
});
