/**
 * Requests from the extension's pages (worker, popup) to a tab's content script. Chrome puts the
 * manifest's content scripts only into pages loaded after Enhance was installed, updated or
 * switched back on; a tab open since then has none, and every request to it would fail with
 * "Receiving end does not exist". Such a tab gets the script injected, and the request is sent again.
 */
import browser from 'webextension-polyfill';
import { within } from '../core/time-limit';
import { isNoReceiver } from './no-receiver';
import { INJECTED_MARK, type ContentRequest, type ContentResponses } from './protocol';

/** How long an injected script may take to start listening: a 70 kB script parsed and run on a busy page's thread, 10 s at most. */
const START_TRIES = 200;
const START_WAIT_MS = 50;

interface ManifestScripts {
  content_scripts?: Array<{ js?: string[] }>;
}

/** The built manifest's content script files (the bundler names them), in order. */
function contentScriptFiles(manifest: ManifestScripts): string[] {
  return (manifest.content_scripts ?? []).flatMap((script) => script.js ?? []);
}

/** How long listing a tab's frames, and making sure of their scripts, may hold a request to all of them. */
const FRAMES_WAIT_MS = 2000;

/**
 * The tab's frames our scripts may run in (frames the browser keeps them out of are left out);
 * none when the page refuses scripts, or when its frames do not answer in time. At once, not when
 * each frame has loaded: a frame that never finishes loading must not hold anything up.
 */
export function framesOf(tabId: number): Promise<number[]> {
  const listed = browser.scripting.executeScript({ target: { tabId, allFrames: true }, injectImmediately: true, func: () => true }).then(
    (results) => results.map((result) => result.frameId),
    () => [],
  );
  return within(listed, FRAMES_WAIT_MS, () => []);
}

/** Every frame of the tab with a live script, as far as it takes FRAMES_WAIT_MS: one put in where none answers. */
async function scriptInEveryFrame(tabId: number): Promise<void> {
  const pinged = framesOf(tabId).then((frames) => Promise.all(frames.map((frame) => sendToContent(tabId, { type: 'ping' }, frame).catch(() => undefined))));
  await within(pinged, FRAMES_WAIT_MS, () => []);
}

/**
 * To one frame of the tab, or, without `frameId`, to all of them (the first answer wins). Before
 * a request to all, each frame is made sure of its script: one frame's answer would hide the
 * frames whose script was cut off (the top frame given a new one by the popup, its frames not).
 */
export async function sendToContent<T extends ContentRequest>(tabId: number, request: T, frameId?: number): Promise<ContentResponses[T['type']]> {
  if (frameId === undefined) await scriptInEveryFrame(tabId);
  const send = () => (frameId === undefined ? browser.tabs.sendMessage(tabId, request) : browser.tabs.sendMessage(tabId, request, { frameId })) as Promise<ContentResponses[T['type']]>;
  try {
    return await send();
  } catch (error) {
    if (!isNoReceiver(error)) throw error;
    // Pages no extension may script (the browser's own, the extension stores) refuse: the first error tells it best.
    const target = frameId === undefined ? { tabId, allFrames: true } : { tabId, frameIds: [frameId] };
    const injected = await browser.scripting
      // Marked first, in the script's own world: this copy announces itself to an older one cut off there.
      .executeScript({ target, func: (mark: string) => void Object.assign(globalThis, { [mark]: true }), args: [INJECTED_MARK] })
      .then(() => browser.scripting.executeScript({ target, files: contentScriptFiles(browser.runtime.getManifest()) }))
      .then(
        () => true,
        () => false,
      );
    if (!injected) throw error;
  }
  for (let tries = 1; ; tries++) {
    try {
      return await send();
    } catch (error) {
      if (!isNoReceiver(error) || tries >= START_TRIES) throw error;
      await new Promise((ok) => setTimeout(ok, START_WAIT_MS));
    }
  }
}
