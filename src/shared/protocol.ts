/**
 * Every message between the extension's parts, typed per direction, with the response type of
 * each request, so both ends are checked by the compiler.
 *
 * Data flow of a job: the service worker asks the content script to enhance an image; the
 * content script opens a port straight to the engine (Chrome's offscreen document, a frame of
 * Firefox's background page) and gets progress and the result on it. The encoded result crosses JSON once,
 * and a job outlives a service worker that Chrome stops while idle.
 */
import type { Failure } from '../core/errors';
import type { Size } from '../core/image-geometry';
import type { Profile } from '../core/models';
import { decodeThumbnail } from '../core/thumbnail';
import type { Backend, DeviceBenchmark, ProfileSetting } from '../core/scale-choice';
import type { Settings } from './settings';

export type { Backend };

/**
 * The settings a job needs: the content script forwards them, since offscreen pages have no
 * storage API. 'auto' is decided by the engine, which holds the device benchmark.
 */
export type JobSettings = Pick<Settings, 'maxInputPixels' | 'maxTile' | 'allowWebGPU' | 'cacheLimitBytes' | 'engineIdleMinutes'> & { profile: ProfileSetting };

export interface EngineInfo {
  /** Backend of the last session created, or null before the first job. */
  backend: Backend | null;
  /** Why this backend: e.g. "WASM: no WebGPU adapter". */
  reason: string;
  crossOriginIsolated: boolean;
  wasmThreads: number;
  /** WASM inference runs in ORT's proxy worker, off the engine page's thread (always, on WASM). */
  wasmInWorker: boolean;
  jobsRun: number;
  /** Model runs since the offscreen document started (a cache hit runs none). */
  inferences: number;
  /** Results served from the cache since the offscreen document started. */
  cacheHits: number;
  /** The device benchmark behind 'auto', once a job with that profile has read or measured it. */
  benchmark?: DeviceBenchmark;
  /** What 'auto' means on this device by that benchmark. */
  autoProfile?: Profile;
}

/** Where the worker keeps one tab's counts in storage.session (the popup follows its own tab's there). */
export const TAB_COUNTS_PREFIX = 'tab-counts:';
export const tabCountsKey = (tabId: number): string => `${TAB_COUNTS_PREFIX}${tabId}`;

/** What one tab's page holds, as its content scripts report it (summed over frames by the worker). */
export interface TabCounts {
  enhanced: number;
  queued: number;
  failed: number;
}

/** A frame or tab with nothing of ours: what the worker assumes until a frame reports. */
export const NO_COUNTS: Readonly<TabCounts> = { enhanced: 0, queued: 0, failed: 0 };

export interface CacheUsage {
  entries: number;
  bytes: number;
}

// ---- service worker -> content script (tabs.sendMessage) ----
export type ContentRequest =
  | { type: 'enhance'; srcUrl: string; scale: number; settings: JobSettings }
  | { type: 'restore'; srcUrl: string }
  /** Popup: run discovery once now and enhance every low-res image, whether the site is on or not. */
  | { type: 'enhance-all' }
  | { type: 'restore-all' }
  /** Is a live script here? Sent to tabs that may hold only a cut-off one (background/open-tabs.ts). */
  | { type: 'ping' }
  /**
   * The tab shows a new URL and the worker forgot its counts: every frame still there (a single-page
   * app that changed its URL keeps its document and its enhanced images) reports its counts again.
   */
  | { type: 'report-counts' }
  /**
   * Firefox holds an update back until every page is handed back (background/update.ts): the frame
   * puts its images back and stops, as a copy Chrome cut off from its extension does (content/content-script.ts).
   */
  | { type: 'retire' }
  /**
   * Chrome, a private window: the frame downloads the enhanced image itself (the worker's downloads
   * API would save it in the regular profile, see saveHere in content/enhanced-data-url.ts).
   */
  | { type: 'save-here'; srcUrl: string }
  /**
   * Firefox, a menu just opened on an image of this frame (menus.onShown): is the image last
   * right-clicked here one of ours? The worker then shows Restore and Save to match and redraws the
   * open menu, which the pointer's updates (content/menu-state.ts) may have reached too late.
   */
  | { type: 'menu-target' }
  /** To the top frame: a sentence for the user over the page (the keyboard shortcut's answer, see showPageNotice). */
  | { type: 'notice'; text: string };

export interface EnhanceOutcome {
  ok: boolean;
  /** Images on the page that showed `srcUrl` and now show the result. */
  images: number;
  failure?: Failure;
  width?: number;
  height?: number;
  backend?: Backend;
  ms?: number;
}

export interface ContentResponses {
  enhance: EnhanceOutcome;
  restore: { restored: number };
  /** Images queued by this call. */
  'enhance-all': { queued: number };
  'restore-all': { restored: number };
  /** `watching`: the script follows the page's changes (src/content/page-watch.ts); for tests and diagnosis. */
  ping: { alive: true; watching: boolean };
  'report-counts': void;
  retire: void;
  'save-here': { saved: boolean };
  'menu-target': { enhanced: boolean };
  notice: void;
}

// ---- content script, popup, options -> service worker (runtime.sendMessage) ----
export type BackgroundRequest =
  /** Sent on right-click so the menu shows "Restore" and "Save" only on enhanced images. */
  | { type: 'menu-context'; enhanced: boolean }
  /** A frame's counts changed: the worker keeps them per tab and frame, and shows the badge. */
  | { type: 'tab-counts'; counts: TabCounts }
  /** A subframe's content script: the site of the tab it is in, which decides auto-enhance (Firefox has no ancestorOrigins). */
  | { type: 'tab-origin' }
  /**
   * Content script, after the engine could not download an image: whether Enhance may read its
   * site at all. Users can allow Enhance on some sites only; images from the others fail so.
   */
  | { type: 'may-read-site'; url: string }
  /** Popup: the state of one tab. */
  | { type: 'tab-status'; tabId: number }
  /** Popup: the engine's state alone, when another tab's job may have changed its backend. */
  | { type: 'engine-status' }
  /**
   * Options page: the cache, which only the engine can see. `ifRunning`: null where no engine runs
   * (the page coming back into view re-reads the figures, and must not start one each time).
   */
  | { type: 'cache-usage'; ifRunning?: boolean }
  | { type: 'clear-cache' }
  /** Options page, after a save: drop what a lowered limit no longer holds, now rather than at the next job. */
  | { type: 'trim-cache'; limitBytes: number }
  /** Content script: a job's port found no engine (closed while idle, or crashed): start it. */
  | { type: 'start-engine' }
  /** Chrome's engine document: no job for the settings' idle minutes; the worker closes it. */
  | { type: 'engine-idle' }
  /** The engine's page, as it starts: the settings it acts on outside any one job (see EngineSettings). */
  | { type: 'engine-settings' }
  /**
   * Chrome's engine document, refused an image (HTTP 401/403): send the page's Referer on its
   * requests for `url`, as the page did (hotlink protection), until the rule is dropped.
   */
  | { type: 'add-referer-rule'; url: string; referer: string }
  | { type: 'drop-referer-rule'; ruleId: number };

/**
 * What Enhance can do on a tab: a web page has all; the browser's error page in its place (it did
 * not load) the site switch only, the page's script coming with a reload; a local file (with file access on) all but the
 * site switch, which is per web origin; a local file in Firefox ('file-closed'), which keeps
 * extensions out of them, nothing; a page whose URL is hidden while the user withheld site access
 * ('withheld': a site withheld, or a browser page, which look the same from here) nothing until
 * allowed; a web site the browser keeps all extensions out of (its add-on store) nothing; other
 * pages nothing.
 * 'hidden': a page whose URL Chrome hides from Enhance while file access is off, a browser page or
 * a local file (the two look the same from here).
 * 'click-only': a web page Enhance reads only because the user clicked its button there (site access
 * "on click", or granted to other sites only): all works on it now, but not by itself on a later visit.
 */
export type PageKind = 'web' | 'click-only' | 'error-page' | 'file' | 'file-closed' | 'withheld' | 'kept-out' | 'hidden' | 'other';

export interface TabStatus {
  origin: string | null;
  page: PageKind;
  auto: boolean;
  counts: TabCounts;
  engine: EngineInfo | null;
}

export interface BackgroundResponses {
  'menu-context': void;
  'tab-counts': void;
  'tab-origin': string | null;
  'may-read-site': boolean;
  'tab-status': TabStatus;
  'engine-status': EngineInfo | null;
  'cache-usage': CacheUsage | null;
  'clear-cache': CacheUsage;
  'trim-cache': CacheUsage;
  'start-engine': void;
  'engine-idle': void;
  'engine-settings': EngineSettings;
  'add-referer-rule': number;
  'drop-referer-rule': void;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isPixelSize(value: unknown): value is Size {
  if (typeof value !== 'object' || value === null) return false;
  const { width, height } = value as Partial<Record<keyof Size, unknown>>;
  return isCount(width) && isCount(height) && width > 0 && height > 0;
}

export function isTabCounts(value: unknown): value is TabCounts {
  if (typeof value !== 'object' || value === null) return false;
  const { enhanced, queued, failed } = value as Partial<Record<keyof TabCounts, unknown>>;
  return isCount(enhanced) && isCount(queued) && isCount(failed);
}

export function isBackgroundRequest(message: unknown): message is BackgroundRequest {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'menu-context':
      return typeof m.enhanced === 'boolean';
    case 'tab-counts':
      return isTabCounts(m.counts);
    case 'tab-status':
      return isCount(m.tabId);
    case 'trim-cache':
      return isCount(m.limitBytes);
    case 'may-read-site':
      return typeof m.url === 'string';
    case 'add-referer-rule':
      return typeof m.url === 'string' && typeof m.referer === 'string';
    case 'drop-referer-rule':
      return isCount(m.ruleId);
    case 'cache-usage':
      return m.ifRunning === undefined || typeof m.ifRunning === 'boolean';
    case 'tab-origin':
    case 'engine-status':
    case 'clear-cache':
    case 'start-engine':
    case 'engine-idle':
    case 'engine-settings':
      return true;
    default:
      return false;
  }
}

// ---- content script <-> offscreen engine (runtime.connect port named JOB_PORT) ----
export const JOB_PORT = 'enhance-job';

/**
 * The global the worker sets in a frame's extension world before it puts the content script there
 * (a tab opened before Enhance was updated or switched back on), which may hold an older copy cut
 * off from the extension: only such a copy announces itself on the page's document.
 */
export const INJECTED_MARK = 'enhanceInjectedByWorker';

export interface JobRequest {
  type: 'job';
  srcUrl: string;
  scale: number;
  settings: JobSettings;
  /**
   * Automatic jobs: images the engine should not enhance (animated ones) fail with their code but
   * are not errors to show; a manual job shows every failure. It also places the job in the
   * engine's line: a manual one (the menu's) goes before every automatic one waiting (TurnLine).
   */
  auto?: boolean;
  /**
   * The image's bytes as a data: URL, read by the content script, for a URL that belongs to the
   * page's origin (blob:): the engine, in the extension's origin, cannot fetch those.
   */
  pageBytes?: string;
  /**
   * What the page shows, drawn at 16 x 16 (src/core/thumbnail.ts), where the page may read its
   * pixels: a file the engine fetches that shows another picture fails with 'changed-on-server'.
   */
  shownThumbnail?: string;
  /**
   * The size in pixels of the file the page shows, where the image shows the job's URL: a file the
   * engine gets in another shape (see sameShape) fails with 'changed-on-server', where the page's
   * pixels, unreadable, leave no thumbnail to compare with.
   */
  shownSize?: Size;
  /**
   * The page lays the file out as stored, its EXIF orientation left out (`image-orientation: none`,
   * src/content/image-facts.ts showsAsStored): the engine enhances it so (a JPEG's or PNG's EXIF
   * orientation, undone: src/core/orientation.ts), or the result would come back turned. Its checks (shownSize,
   * shownThumbnail) still go by the upright picture, which is what the page's canvas reads.
   */
  asStored?: boolean;
  /**
   * The page asks for this image without a Referer (its `referrerpolicy`, or the page's
   * `<meta name="referrer">`: src/core/referrer-policy.ts): a host that refuses the engine is not
   * asked again with the page's, which would tell it what the page chose not to.
   */
  noReferer?: boolean;
}

/**
 * A part of a data: URL too long for one message (src/shared/message-parts.ts): the parts go first,
 * in order, then the message (a job's `pageBytes`, a result's `dataUrl`) with the rest.
 */
export interface MessagePart {
  type: 'part';
  text: string;
}

export type JobEvent =
  | MessagePart
  | { type: 'progress'; done: number; total: number }
  | {
      type: 'done';
      dataUrl: string;
      width: number;
      height: number;
      backend: Backend;
      ms: number;
      fromCache: boolean;
      /**
       * The file the engine enhanced, as a data: URL, up to PAGE_FILE_KEPT_BYTES: the page keeps it
       * to show on a restore where the image's URL loads nothing any more (a signed link expired, a
       * one-time token, the network gone). Sent back even where the page sent the bytes itself (its
       * blob: URL, its pixels): one path for every job, at the cost of a small file's round trip.
       */
      pageFile?: string;
    }
  | { type: 'failed'; failure: Failure };

/** The largest file a 'done' brings back (a page's low-resolution image is most often far smaller). */
export const PAGE_FILE_KEPT_BYTES = 2 * 1024 * 1024;

// ---- service worker -> content script (tabs.connect port named SAVE_PORT, to the image's frame) ----
/**
 * Save enhanced image: the result, as a data: URL, can be longer than one message may be (a large
 * result near the 4096 x 4096 cap), so it comes over a port of its own, in parts (MessagePart).
 */
export const SAVE_PORT = 'enhance-save';

export interface SaveRequest {
  type: 'enhanced-image';
  srcUrl: string;
}

/** The enhanced pixels (the last part of their data: URL), and the original's URL, which names the file; null for an image not enhanced. */
export interface EnhancedImage {
  type: 'enhanced-image';
  dataUrl: string | null;
  original: string | null;
}

export function isSaveRequest(message: unknown): message is SaveRequest {
  if (typeof message !== 'object' || message === null) return false;
  const { type, srcUrl } = message as Partial<SaveRequest>;
  return type === 'enhanced-image' && typeof srcUrl === 'string';
}

export function isEnhancedImage(message: unknown): message is EnhancedImage {
  if (typeof message !== 'object' || message === null) return false;
  const { type, dataUrl, original } = message as Partial<EnhancedImage>;
  const textOrNull = (value: unknown) => value === null || typeof value === 'string';
  return type === 'enhanced-image' && textOrNull(dataUrl) && textOrNull(original);
}

// ---- service worker -> engine (Chrome: runtime.sendMessage, answered only by the offscreen page; Firefox: a call in the same page) ----
export type EngineRequest =
  | { target: 'offscreen'; type: 'engine-info' }
  | { target: 'offscreen'; type: 'cache-usage' }
  | { target: 'offscreen'; type: 'clear-cache' }
  | { target: 'offscreen'; type: 'trim-cache'; limitBytes: number };

export interface EngineResponses {
  'engine-info': EngineInfo;
  /** null, here and for a trim: the browser's storage could not be read or refused, and the results are still there. */
  'cache-usage': CacheUsage | null;
  /** null: the browser's storage refused, and the results are still there. */
  'clear-cache': CacheUsage | null;
  'trim-cache': CacheUsage | null;
}

/**
 * For the engine's page: the settings it acts on outside any one job, as last saved (an offscreen
 * document has no storage API to read them), asked for as it starts and told of each save. Newer
 * than the settings of the jobs waiting in its line, read when each was sent, and than the last
 * job's, which its idle countdown ran with; and the extension's, where jobs' come from pages.
 */
export interface EngineSettings {
  idleMinutes: number;
  allowWebGPU: boolean;
  /** The results cache's limit, the only one that evicts: a job read its own when its page asked, maybe before this one was set. */
  cacheLimitBytes: number;
}

export interface EngineSettingsNotice extends EngineSettings {
  target: 'offscreen';
  type: 'engine-settings';
}

export function isEngineSettingsNotice(message: unknown): message is EngineSettingsNotice {
  if (typeof message !== 'object' || message === null) return false;
  const { target, type, idleMinutes, allowWebGPU, cacheLimitBytes } = message as Partial<EngineSettingsNotice>;
  return target === 'offscreen' && type === 'engine-settings' && typeof idleMinutes === 'number' && idleMinutes >= 0 && typeof allowWebGPU === 'boolean' && isCount(cacheLimitBytes);
}

export function isEngineRequest(message: unknown): message is EngineRequest {
  if (typeof message !== 'object' || message === null) return false;
  const { target, type, limitBytes } = message as { target?: unknown; type?: unknown; limitBytes?: unknown };
  if (target !== 'offscreen') return false;
  return type === 'engine-info' || type === 'cache-usage' || type === 'clear-cache' || (type === 'trim-cache' && isCount(limitBytes));
}

function isJobSettings(value: unknown): value is JobSettings {
  if (typeof value !== 'object' || value === null) return false;
  const { profile, maxInputPixels, maxTile, allowWebGPU } = value as Partial<JobSettings>;
  const { cacheLimitBytes, engineIdleMinutes } = value as Partial<JobSettings>;
  return (
    (profile === 'auto' || profile === 'quality' || profile === 'fast') &&
    typeof maxInputPixels === 'number' &&
    typeof maxTile === 'number' &&
    typeof allowWebGPU === 'boolean' &&
    typeof cacheLimitBytes === 'number' &&
    typeof engineIdleMinutes === 'number'
  );
}

export function isContentRequest(message: unknown): message is ContentRequest {
  if (typeof message !== 'object' || message === null) return false;
  if (isPageRequest(message)) return true;
  const bare = (message as { type?: unknown }).type;
  if (bare === 'ping' || bare === 'report-counts' || bare === 'retire' || bare === 'menu-target') return true;
  if (bare === 'notice') return typeof (message as { text?: unknown }).text === 'string';
  const { type, srcUrl } = message as { type?: unknown; srcUrl?: unknown };
  if (typeof srcUrl !== 'string') return false;
  if (type === 'enhance') {
    const { scale, settings } = message as { scale?: unknown; settings?: unknown };
    return typeof scale === 'number' && isJobSettings(settings);
  }
  return type === 'restore' || type === 'save-here';
}

export function isPageRequest(message: unknown): message is Extract<ContentRequest, { type: 'enhance-all' | 'restore-all' }> {
  if (typeof message !== 'object' || message === null) return false;
  const { type } = message as { type?: unknown };
  return type === 'enhance-all' || type === 'restore-all';
}

export function isMessagePart(message: unknown): message is MessagePart {
  if (typeof message !== 'object' || message === null) return false;
  const { type, text } = message as Partial<MessagePart>;
  return type === 'part' && typeof text === 'string';
}

export function isJobRequest(message: unknown): message is JobRequest {
  if (typeof message !== 'object' || message === null) return false;
  const { type, srcUrl, scale, settings, auto, pageBytes, shownThumbnail, shownSize, asStored, noReferer } = message as Partial<JobRequest>;
  return (
    type === 'job' &&
    typeof srcUrl === 'string' &&
    typeof scale === 'number' &&
    isJobSettings(settings) &&
    (auto === undefined || typeof auto === 'boolean') &&
    (pageBytes === undefined || (typeof pageBytes === 'string' && pageBytes.startsWith('data:'))) &&
    (shownThumbnail === undefined || decodeThumbnail(shownThumbnail) !== null) &&
    (shownSize === undefined || isPixelSize(shownSize)) &&
    (asStored === undefined || typeof asStored === 'boolean') &&
    (noReferer === undefined || typeof noReferer === 'boolean')
  );
}
