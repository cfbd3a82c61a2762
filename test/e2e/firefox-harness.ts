/**
 * Debian's Firefox ESR with the built Firefox package (dist-firefox/) installed as a temporary
 * add-on, driven over WebDriver BiDi: the Firefox counterpart of harness.ts. The background page's
 * `enhance` functions (what the menu calls) are reached from an extension tab through
 * runtime.getBackgroundPage(), since BiDi cannot evaluate in a background page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIREFOX_ID } from '../../scripts/firefox-manifest';
import { zipFolder } from '../../scripts/zip';
import { BidiSession } from './bidi';
import { ROOT } from './harness';

export const DIST_FIREFOX = join(ROOT, 'dist-firefox');
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
/** Fixed through a pref, so the tests know the extension's origin before it is installed. */
const EXTENSION_UUID = '0e7c2d5a-4b1f-4e8a-9c3d-2a6f8b1e5d70';
export const EXTENSION_ORIGIN = `moz-extension://${EXTENSION_UUID}`;
const OPTIONS_PAGE = 'src/options/options.html';
const POPUP_PAGE = 'src/popup/popup.html';

type Prefs = Record<string, string | number | boolean>;

const PREFS: Prefs = {
  'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ID]: EXTENSION_UUID }),
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'network.captive-portal-service.enabled': false,
  // Downloads go to the profile's own folder (browser.download.dir, set at launch), without asking.
  'browser.download.folderList': 2,
  'browser.download.useDownloadDir': true,
};

/**
 * A copy of the package whose options page and popup web pages may open: BiDi refuses to navigate
 * a tab to a moz-extension: URL, so the driver's tab goes there from about:blank by itself.
 * Nothing else differs. Zipped as `npm run package` zips the release, so Firefox takes that format.
 * Returns the folder the copy and its archive are in, and the archive.
 */
function packageForDriver(): { dir: string; archive: string } {
  const dir = mkdtempSync(join(tmpdir(), 'enhance-firefox-dist-'));
  const copy = join(dir, 'package');
  cpSync(DIST_FIREFOX, copy, { recursive: true });
  const manifestPath = join(copy, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { web_accessible_resources?: object[] };
  manifest.web_accessible_resources = [...(manifest.web_accessible_resources ?? []), { matches: ['<all_urls>'], resources: [OPTIONS_PAGE, POPUP_PAGE] }];
  writeFileSync(manifestPath, JSON.stringify(manifest));
  const archive = join(dir, 'enhance-firefox.zip');
  writeFileSync(archive, zipFolder(copy));
  return { dir, archive };
}

function listening(firefox: ChildProcess): Promise<string> {
  return new Promise((ok, fail) => {
    let printed = '';
    const read = (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(printed);
      if (!match) return;
      firefox.stderr?.off('data', read);
      ok(match[1]);
    };
    firefox.stderr?.on('data', read);
    firefox.once('error', (error) => fail(new Error(`cannot start ${FIREFOX} (scripts/setup.sh installs firefox-esr): ${error.message}`)));
    firefox.once('exit', (code) => fail(new Error(`Firefox exited (${code}) before it listened: ${printed.slice(-2000)}`)));
  });
}

export interface FirefoxWithExtension {
  bidi: BidiSession;
  /** Opens a tab at `url` and waits for its load event; returns its browsing context. */
  openTab(url: string): Promise<string>;
  /**
   * The extension's tab id of the tab showing `url`, once its content script answers (it starts
   * after the load event, and a request sent before then finds no receiver).
   */
  tabIdOf(url: string): Promise<number>;
  /** Runs `body` in the extension tab, with `bg` bound to the background page's window. */
  inExtension<T>(body: string, args?: unknown[]): Promise<T>;
  /** Opens the toolbar popup as a page in a tab of its own, for the tab given (its `tabId` parameter). */
  openPopup(forTab: number): Promise<string>;
  /**
   * Reloads the add-on (runtime.reload, what applies an update) and waits until it runs again:
   * `inExtension` then runs in a new tab, the old one having closed with the add-on.
   */
  reloadExtension(): Promise<void>;
  close(): Promise<void>;
}

/** `prefs` are set in the profile on top of the harness's own (e.g. a shorter event-page idle timeout). */
export async function launchFirefoxWithExtension(prefs: Prefs = {}): Promise<FirefoxWithExtension> {
  const profile = mkdtempSync(join(tmpdir(), 'enhance-firefox-profile-'));
  writeFileSync(join(profile, 'user.js'), Object.entries({ ...PREFS, 'browser.download.dir': join(profile, 'downloads'), ...prefs }).map(([key, value]) => `user_pref(${JSON.stringify(key)}, ${JSON.stringify(value)});\n`).join(''));
  const extension = packageForDriver();
  const firefox = spawn(FIREFOX, ['--headless', '--no-remote', '--remote-debugging-port', '0', '--profile', profile], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((ok) => firefox.once('close', () => ok()));
  const removeFolders = () => {
    rmSync(profile, { recursive: true, force: true });
    rmSync(extension.dir, { recursive: true, force: true });
  };
  let bidi: BidiSession | undefined;
  let extensionTab: string;
  /** Sends a tab showing about:blank to an extension page, and waits until that page runs. */
  const showExtensionPage = async (session: BidiSession, context: string, path: string) => {
    // Just after a reload the add-on's pages are refused ("access denied") until it is back: asked again.
    for (let tries = 0; ; tries++) {
      try {
        await session.evaluate(context, `location.href = ${JSON.stringify(`${EXTENSION_ORIGIN}/${path}`)};`);
        break;
      } catch (error) {
        if (tries >= 100 || !String(error).includes('denied')) throw error;
        await new Promise((ok) => setTimeout(ok, 100));
      }
    }
    for (let tries = 0; tries < 200; tries++) {
      // A check that raced the navigation (its realm went away) is simply asked again.
      const shown = await session.evaluate<boolean>(context, 'return location.protocol === "moz-extension:" && document.readyState === "complete";').catch(() => false);
      if (shown) return;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    throw new Error(`Firefox did not open ${path}`);
  };
  try {
    bidi = await BidiSession.open(await listening(firefox));
    await bidi.send('webExtension.install', { extensionData: { type: 'archivePath', path: extension.archive } });
    const { contexts } = await bidi.send<{ contexts: { context: string }[] }>('browsingContext.getTree', { maxDepth: 0 });
    extensionTab = contexts[0].context;
    await showExtensionPage(bidi, extensionTab, OPTIONS_PAGE);
  } catch (error) {
    // Nothing may outlive a failed launch: no browser left running, no folders left behind.
    bidi?.close();
    if (firefox.exitCode === null && firefox.pid !== undefined) {
      firefox.kill('SIGKILL');
      await exited;
    }
    removeFolders();
    throw error;
  }
  const session = bidi;
  const inExtension = <T>(body: string, args: unknown[] = []) =>
    session.evaluate<T>(extensionTab, `const bg = await browser.runtime.getBackgroundPage(); ${body}`, args);

  return {
    bidi: session,
    async openTab(url) {
      const { context } = await session.send<{ context: string }>('browsingContext.create', { type: 'tab' });
      await session.send('browsingContext.navigate', { context, url, wait: 'complete' });
      return context;
    },
    async tabIdOf(url) {
      const tabId = await inExtension<number>('const tab = (await browser.tabs.query({})).find((t) => t.url === args[0]); if (!tab) throw new Error("no tab for " + args[0]); return tab.id;', [url]);
      // Restoring an image the page does not have changes nothing, and answers once the script listens.
      const answers = () => inExtension<boolean>('return bg.enhance.restore(args[0], "about:blank").then(() => true, () => false);', [tabId]);
      for (let tries = 0; !(await answers()); tries++) {
        if (tries > 200) throw new Error(`no content script answers in ${url}`);
        await new Promise((ok) => setTimeout(ok, 100));
      }
      return tabId;
    },
    inExtension,
    async openPopup(forTab) {
      const { context } = await session.send<{ context: string }>('browsingContext.create', { type: 'tab' });
      await showExtensionPage(session, context, `${POPUP_PAGE}?tabId=${forTab}`);
      return context;
    },
    async reloadExtension() {
      const closed = extensionTab;
      // Not awaited in the page: the reload takes the page away before it could answer.
      await session.evaluate(closed, 'setTimeout(() => browser.runtime.reload(), 0);');
      for (let tries = 0; ; tries++) {
        const { contexts } = await session.send<{ contexts: { context: string }[] }>('browsingContext.getTree', { maxDepth: 0 });
        if (!contexts.some(({ context }) => context === closed)) break;
        if (tries > 200) throw new Error('the extension tab stayed open through the reload');
        await new Promise((ok) => setTimeout(ok, 100));
      }
      const { context } = await session.send<{ context: string }>('browsingContext.create', { type: 'tab' });
      await showExtensionPage(session, context, OPTIONS_PAGE);
      extensionTab = context;
    },
    async close() {
      await session.send('browser.close', {}).catch(() => undefined);
      session.close();
      const killer = setTimeout(() => firefox.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      removeFolders();
    },
  };
}
