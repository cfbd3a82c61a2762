/**
 * The engine's offscreen document: created on demand and reused. Chrome allows one per
 * extension, and creating a second throws, so concurrent callers share one creation.
 */
import { dropRulesLeftBehind } from './page-referer';

const PATH = 'src/offscreen/offscreen.html';
let creating: Promise<void> | undefined;
let closing: Promise<void> | undefined;
/** Closes begun so far: one begun while a caller looks for the document may take it away under it. */
let closesBegun = 0;

async function exists(): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [chrome.runtime.getURL(PATH)],
  });
  return contexts.length > 0;
}

export async function ensureOffscreenDocument(): Promise<void> {
  // A document being closed turns jobs away: the next one waits for it to go, then starts anew.
  if (closing) await closing.catch(() => undefined);
  // A document still being created may be listed already, before its engine listens: wait for it.
  if (creating) return creating;
  const closesBefore = closesBegun;
  if (await exists()) {
    // Its idle close began while we looked: the document found is going (and turns messages
    // away), so wait for the close and look again.
    if (closesBegun !== closesBefore) return ensureOffscreenDocument();
    return;
  }
  creating ??= dropRulesLeftBehind()
    .then(() =>
      chrome.offscreen.createDocument({
        url: PATH,
        reasons: [chrome.offscreen.Reason.WORKERS, chrome.offscreen.Reason.BLOBS],
        justification: 'Runs the super-resolution model (WebAssembly/WebGPU workers) and decodes images.',
      }),
    )
    .finally(() => {
      creating = undefined;
    });
  await creating;
}

export async function offscreenDocumentExists(): Promise<boolean> {
  return exists();
}

/** Gives the engine's memory back; the next job creates the document again. */
export async function closeOffscreenDocument(): Promise<void> {
  closing ??= (async () => {
    closesBegun++;
    if (creating) await creating;
    if (await exists()) await chrome.offscreen.closeDocument();
  })().finally(() => {
    closing = undefined;
  });
  await closing;
}
