/** The options page: every setting, saved only when the validator takes it, and the engine's cache. */
import { textOf } from '../core/errors';
import { askWorker } from '../shared/ask-worker';
import { byId } from '../shared/by-id';
import { logError } from '../shared/log';
import type { CacheUsage } from '../shared/protocol';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings';
import { loadSettings, newerSettingsStored, onSettingsChanged, saveSettings } from '../shared/settings-store';
import { changedSettings, formatBytes, mergeUnedited, NUMBER_FIELDS, readForm, toFormValues, type FormResult, type FormValues } from './settings-form';
import { showSiteList } from './site-list';

const form = byId<HTMLFormElement>('settings');
const profile = byId<HTMLSelectElement>('profile');
const allowWebGPU = byId<HTMLInputElement>('allowWebGPU');
const numberInputs = new Map(NUMBER_FIELDS.map((field) => [field.key, byId<HTMLInputElement>(field.key)]));
const formStatus = byId('form-status');
const cacheUsage = byId('cache-usage');
const clearCache = byId<HTMLButtonElement>('clear-cache');
const cacheStatus = byId('cache-status');
const CACHE_CLEARED = 'Cache cleared.';

/** The settings the form was filled from: what fields outside the form keep. */
let shown: Settings = { ...DEFAULT_SETTINGS };

// The spinners' ranges come from the same fields that word the error messages.
for (const field of NUMBER_FIELDS) {
  const input = byId<HTMLInputElement>(field.key);
  input.min = String(field.min);
  input.max = String(field.max);
  input.step = field.wholeNumber ? '1' : 'any';
}

function show(values: FormValues): void {
  profile.value = values.profile;
  allowWebGPU.checked = values.allowWebGPU;
  // Only where it changes: a number being typed reads as less than its text ("0." as "0"), and
  // writing that back would take the rest away under the user's fingers.
  for (const [key, input] of numberInputs) if (input.value !== values[key]) input.value = values[key];
}

/** Whether the form was filled from storage: until then its empty fields are no edit. */
let loaded = false;

function fill(settings: Settings): void {
  loaded = true;
  shown = settings;
  show(toFormValues(settings));
  showErrors({});
}

/** Settings changed elsewhere while this page is open: unedited fields follow, so Save cannot undo them. */
function follow(settings: Settings): void {
  show(mergeUnedited(formValues(), toFormValues(shown), toFormValues(settings)));
  shown = settings;
  // Saved elsewhere as edited here: nothing is left unsaved.
  if (formStatus.textContent === UNSAVED && !edited()) formStatus.textContent = '';
}

function formValues(): FormValues {
  const values = { profile: profile.value, allowWebGPU: allowWebGPU.checked } as FormValues;
  for (const [key, input] of numberInputs) values[key] = input.value;
  return values;
}

type FieldErrors = Extract<FormResult, { ok: false }>['errors'];
const FIELD_KEYS = ['profile', ...numberInputs.keys()] as const;

function showErrors(errors: FieldErrors): void {
  for (const key of FIELD_KEYS) showError(key, errors[key] ?? '');
}

function showError(key: (typeof FIELD_KEYS)[number], message: string): void {
  byId(`${key}-error`).textContent = message;
  byId(key).setAttribute('aria-invalid', String(message !== ''));
}

/** A marked field the user has corrected loses its mark as they type; new marks wait for Save, not for each keystroke. */
function unmarkCorrected(): void {
  const result = readForm(formValues(), shown);
  const errors: FieldErrors = result.ok ? {} : result.errors;
  for (const key of FIELD_KEYS) if (byId(`${key}-error`).textContent !== '' && errors[key] === undefined) showError(key, '');
}

async function save(settings: Partial<Settings>, done: string): Promise<void> {
  const limitBefore = shown.cacheLimitBytes;
  const saved = await saveSettings(settings);
  fill(saved);
  formStatus.textContent = done;
  // A lowered limit frees the space now, not at the next job; other changes leave the engine be
  // (asking it starts it). The settings are saved whatever the trim's fate: it says so on its own,
  // beside the cache, as the trim may end after later edits (whose "Unsaved changes" stays).
  if (saved.cacheLimitBytes >= limitBefore) return;
  // The line beside the cache said how the last trim or clear went: this trim's fate replaces it.
  cacheStatus.textContent = '';
  try {
    showUsage(await askWorker({ type: 'trim-cache', limitBytes: saved.cacheLimitBytes }));
  } catch (error) {
    logError('trim cache', error);
    cacheStatus.textContent = `The cache could not be trimmed to the new limit now: ${textOf(error).replace(/\.$/, '')}. Each image enhanced from now on trims it again.`;
  }
}

function showUsage(usage: CacheUsage): void {
  const text = `${usage.entries} ${usage.entries === 1 ? 'image' : 'images'}, ${formatBytes(usage.bytes)}`;
  // Written only when it changes: the figures are read again each time the page comes back into view, and the live region would be read out each time.
  if (cacheUsage.textContent === text) return;
  cacheUsage.textContent = text;
  // Beside figures that have grown again since (images enhanced in other tabs), "Cache cleared." would read as the state now.
  if (cacheStatus.textContent === CACHE_CLEARED) cacheStatus.textContent = '';
}

function failed(where: string, error: unknown): void {
  logError(where, error);
  formStatus.textContent = `Something went wrong: ${textOf(error)}`;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const result = readForm(formValues(), shown);
  if (!result.ok) {
    showErrors(result.errors);
    formStatus.textContent = 'Not saved: correct the fields marked.';
    // The first marked field in the page's order, where a keyboard or screen-reader user goes on from.
    const first = [...form.elements].find((element) => Object.hasOwn(result.errors, element.id));
    if (first instanceof HTMLElement) first.focus();
    return;
  }
  save(changedSettings(shown, result.settings), 'Saved.').catch((error: unknown) => failed('options save', error));
});

const UNSAVED = 'Unsaved changes: Save keeps them.';

/** Whether the form holds edits Save has not stored (a value refused counts): closing the page would lose them. */
function edited(): boolean {
  if (!loaded) return false;
  const result = readForm(formValues(), shown);
  return !result.ok || Object.keys(changedSettings(shown, result.settings)).length > 0;
}

// "Saved." beside later edits would read as if they were kept too: the site list above saves at once, the form does not.
form.addEventListener('input', () => {
  unmarkCorrected();
  const text = edited() ? UNSAVED : '';
  // Written only when it changes: a screen reader reads the live region out at each write.
  if (formStatus.textContent !== NEWER_SETTINGS && formStatus.textContent !== text) formStatus.textContent = text;
});
window.addEventListener('beforeunload', (event) => {
  if (!edited()) return;
  event.preventDefault();
  // Chrome before 119 asks only when a return value is set.
  event.returnValue = '';
});

byId('reset').addEventListener('click', () => {
  // Synced: a stray click would reset every device of the account, with no way back.
  if (!window.confirm('Reset every setting to its default? They are synced: this resets them on your other devices too.')) return;
  save({ ...DEFAULT_SETTINGS }, 'Defaults restored.').catch((error: unknown) => failed('options reset', error));
});

clearCache.addEventListener('click', () => {
  // Not `disabled`: a disabled button drops the focus (to the page's start, for a screen reader).
  if (clearCache.getAttribute('aria-disabled') === 'true') return;
  clearCache.setAttribute('aria-disabled', 'true');
  cacheStatus.textContent = '';
  askWorker({ type: 'clear-cache' })
    .then(
      (usage) => {
        showUsage(usage);
        // Said even where the figures stay as they were (an empty cache cleared), which the usage's live region would not read out.
        cacheStatus.textContent = CACHE_CLEARED;
      },
      (error: unknown) => {
        // Beside the button, not the form's line: that one holds the form's own state (unsaved edits, a newer version's notice).
        logError('clear cache', error);
        cacheStatus.textContent = `The cache could not be cleared: ${textOf(error)}`;
      },
    )
    .finally(() => clearCache.removeAttribute('aria-disabled'));
});

const sitesStatus = byId('sites-status');
const saveButtons = [byId<HTMLButtonElement>('save'), byId<HTMLButtonElement>('reset')];
const NEWER_SETTINGS = 'A newer version of Enhance, on another device, saved the settings: the ones this version knows show here and apply, and they can be changed once Enhance is updated here.';

const takeOver = byId<HTMLButtonElement>('take-over');
const TAKEN_OVER = 'This version may change the settings again.';

/** Said on opening, not after an edit: Save and Reset would be refused (see saveSettings). */
async function checkNewerSettings(): Promise<void> {
  const newer = await newerSettingsStored();
  for (const button of saveButtons) button.disabled = newer;
  takeOver.hidden = !newer;
  // Written only when it changes, as each change of the settings asks again: a live region is read out at each write.
  if (newer && formStatus.textContent !== NEWER_SETTINGS) formStatus.textContent = NEWER_SETTINGS;
  // Edits made while it showed are still to save.
  else if (!newer && formStatus.textContent === NEWER_SETTINGS) formStatus.textContent = edited() ? UNSAVED : '';
}

// The way out where that newer version is gone for good (rolled back, or tried on one device and removed).
takeOver.addEventListener('click', () => {
  const question =
    'Use the settings as this version reads them, and change them here again? They are synced: a device on the newer Enhance then reads them as it reads an older version\'s.';
  if (!window.confirm(question)) return;
  saveSettings({}, { overNewer: true })
    .then(async (saved) => {
      // Fields edited meanwhile keep their edits, for Save.
      follow(saved);
      await checkNewerSettings();
      // Stored again meanwhile by a device on that newer version: its notice stands.
      if (!takeOver.hidden) return;
      formStatus.textContent = edited() ? `${TAKEN_OVER} ${UNSAVED}` : TAKEN_OVER;
      byId('save').focus();
    })
    .catch((error: unknown) => failed('options take over', error));
});

loadSettings().then(fill, (error: unknown) => failed('options load', error));
checkNewerSettings().catch((error: unknown) => failed('options load', error));
onSettingsChanged((settings) => {
  follow(settings);
  checkNewerSettings().catch((error: unknown) => failed('options load', error));
});
showSiteList({
  list: byId<HTMLUListElement>('sites'),
  empty: byId('sites-empty'),
  announce: (text) => {
    sitesStatus.textContent = text;
  },
});
/** `ifRunning`: figures only from an engine already running, the old ones kept otherwise. */
function readUsage(ifRunning: boolean): void {
  askWorker({ type: 'cache-usage', ifRunning }).then(
    (usage) => {
      if (usage) showUsage(usage);
    },
    (error: unknown) => {
      logError('cache usage', error);
      // Read again each time the page comes back into view: said once, as showUsage does.
      if (cacheUsage.textContent !== 'unknown') cacheUsage.textContent = 'unknown';
    },
  );
}

readUsage(false);
// Images enhanced in other tabs while this one was in the background: the figures are read anew on
// coming back, from the engine that enhanced them (it stays for its idle minutes after a job).
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') readUsage(true);
});
