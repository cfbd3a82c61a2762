/**
 * The enhanced pixels of an image as a data: URL, for "Save enhanced image" (downloads come from
 * the worker), with the URL of the page's original, which names the file.
 */
import { blobToDataUrl } from '../shared/data-url';
import type { EnhancedImage } from '../shared/protocol';
import { imagesShowing, originalOf } from './swap';

export async function enhancedDataUrl(srcUrl: string): Promise<EnhancedImage> {
  const img = imagesShowing(srcUrl).find((candidate) => originalOf(candidate));
  const original = img && originalOf(img);
  if (!original) return { type: 'enhanced-image', dataUrl: null, original: null };
  return { type: 'enhanced-image', dataUrl: await asDataUrl(original.resultUrl), original: original.srcUrl };
}

async function asDataUrl(resultUrl: string): Promise<string> {
  if (resultUrl.startsWith('data:')) return resultUrl;
  return blobToDataUrl(await (await fetch(resultUrl)).blob());
}
