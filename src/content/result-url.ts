/** The engine's result as a URL this page lets an <img> show. */
import { EnhanceError } from '../core/errors';
import { dataUrlToBlob } from '../shared/data-url';

/** Resolves when this page may show `url` in an <img>: its CSP (img-src) may forbid blob: or data:. */
async function canShow(url: string): Promise<boolean> {
  const probe = new Image();
  probe.src = url;
  try {
    await probe.decode();
    return true;
  } catch {
    return false;
  }
}

/** A blob: URL where the page allows one (short, and freed on restore), else the data: URL itself. */
export async function resultUrlFor(dataUrl: string): Promise<string> {
  const blobUrl = URL.createObjectURL(dataUrlToBlob(dataUrl));
  if (await canShow(blobUrl)) return blobUrl;
  URL.revokeObjectURL(blobUrl);
  if (await canShow(dataUrl)) return dataUrl;
  throw new EnhanceError('blocked-by-page');
}
