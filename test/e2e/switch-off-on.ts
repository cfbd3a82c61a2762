/**
 * Switching Enhance off (and on) under open pages, as a user would in chrome://extensions: a helper
 * extension loaded beside it does it through the management API. Chrome then leaves the old
 * content scripts in those pages, cut off, and empties the extension's session storage.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import { isEnhanceWorker, type ExtensionBrowser } from './harness';

export interface SwitchHelper {
  /** Pass to launchWithExtension's `alsoLoad`. */
  dir: string;
  remove(): void;
}

/** An extension whose only job is to switch Enhance off and on. */
export function writeSwitchHelper(): SwitchHelper {
  const dir = mkdtempSync(join(tmpdir(), 'enhance-helper-'));
  const manifest = { manifest_version: 3, name: 'Enhance test helper', version: '1', permissions: ['management'], background: { service_worker: 'helper.js' } };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'helper.js'), '');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function helperWorker(browser: ExtensionBrowser): Worker {
  const helper = browser.context.serviceWorkers().find((worker) => worker.url().endsWith('/helper.js'));
  if (!helper) throw new Error('the helper extension is not running');
  return helper;
}

/** Resolves with Enhance's new service worker. */
export async function switchEnhanceOffAndOn(browser: ExtensionBrowser): Promise<Worker> {
  const enhanceId = new URL(browser.worker.url()).host;
  const next = browser.context.waitForEvent('serviceworker', { predicate: isEnhanceWorker });
  await helperWorker(browser).evaluate(async (id) => {
    await chrome.management.setEnabled(id, false);
    await chrome.management.setEnabled(id, true);
  }, enhanceId);
  return next;
}

/** Switches Enhance back on after switchEnhanceOff; resolves with its new service worker. */
export async function switchEnhanceOn(browser: ExtensionBrowser): Promise<Worker> {
  const next = browser.context.waitForEvent('serviceworker', { predicate: isEnhanceWorker });
  await helperWorker(browser).evaluate((id) => chrome.management.setEnabled(id, true), new URL(browser.worker.url()).host);
  return next;
}

/** Switches Enhance off and leaves it so, as a user who gave up on it would. */
export async function switchEnhanceOff(browser: ExtensionBrowser): Promise<void> {
  await helperWorker(browser).evaluate((id) => chrome.management.setEnabled(id, false), new URL(browser.worker.url()).host);
}
