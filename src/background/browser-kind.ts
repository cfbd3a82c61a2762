/** Which browser runs the background: Firefox alone has runtime.getBrowserInfo. */
import browser from 'webextension-polyfill';
import type { FileAccess } from '../core/errors';

export const inFirefox = (): boolean => typeof browser.runtime.getBrowserInfo === 'function';

/**
 * Whether Enhance may work in local files: Chrome lets it when the user switches on "Allow access
 * to file URLs"; Firefox never puts extension scripts into file: pages (seen in its e2e test).
 */
export async function fileAccess(): Promise<FileAccess> {
  if (inFirefox()) return 'never';
  return (await browser.extension.isAllowedFileSchemeAccess()) ? 'allowed' : 'off';
}
