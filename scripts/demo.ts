/**
 * The demo: Chromium with the built extension on a page of low-resolution images shown large.
 * Every good image is enhanced through `self.enhance` (what the context menu calls). With a
 * display, the browser stays open for you to right-click around; headless, it saves
 * demo-output/before.png and demo-output/after.png and exits.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GOOD, openFixtureSite } from '../test/e2e/fixtures';
import { ROOT, tabIdOf } from '../test/e2e/harness';
import { enhanceById, imagesSettled } from '../test/e2e/page-helpers';

const headless = !process.env.DISPLAY || process.argv.includes('--headless');
const outDir = join(ROOT, 'demo-output');
mkdirSync(outDir, { recursive: true });

const fixture = await openFixtureSite({ headless });
// Ctrl+C in a windowed demo: the servers and the temporary site and profile go too.
process.once('SIGINT', () => void fixture.close().finally(() => process.exit(130)));
try {
  const { browser } = fixture;
  const page = await browser.context.newPage();
  await page.goto(`${fixture.origin}/index.html`);
  await imagesSettled(page);
  await page.screenshot({ path: join(outDir, 'before.png'), fullPage: true });

  const tabId = await tabIdOf(browser.worker, page);
  for (const { id, scale } of [...GOOD, { id: 'logo', scale: 4 }]) {
    const outcome = await enhanceById(browser.worker, page, tabId, id, scale);
    console.log(`${id} x${scale}: ${outcome.ok ? `${outcome.width}x${outcome.height} on ${outcome.backend} in ${outcome.ms} ms` : `FAILED: ${outcome.failure?.message}`}`);
    // Every demo image is one the extension must enhance: a failure is the demo failing.
    if (!outcome.ok) process.exitCode = 1;
  }
  await page.screenshot({ path: join(outDir, 'after.png'), fullPage: true });
  console.log(`screenshots: ${join(outDir, 'before.png')} and ${join(outDir, 'after.png')}`);

  if (!headless) {
    console.log('Chromium is open with Enhance loaded: right-click any image. Close the window to quit.');
    await new Promise<void>((done) => browser.context.on('close', () => done()));
  }
} finally {
  await fixture.close();
}
