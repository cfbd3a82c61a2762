/**
 * The enhanced pixels of an image, for "Save enhanced image": as a data: URL for the worker's
 * downloads API, with the URL of the page's original, which names the file; or downloaded here.
 */
import { blobToDataUrl } from '../shared/data-url';
import { enhancedFileName } from '../shared/file-names';
import type { EnhancedImage } from '../shared/protocol';
import { imagesShowing, originalOf, type Original } from './swap';

function enhancedOriginal(srcUrl: string): Original | undefined {
  const img = imagesShowing(srcUrl).find((candidate) => originalOf(candidate));
  return img && originalOf(img);
}

export async function enhancedDataUrl(srcUrl: string): Promise<EnhancedImage> {
  const original = enhancedOriginal(srcUrl);
  if (!original) return { type: 'enhanced-image', dataUrl: null, original: null };
  return { type: 'enhanced-image', dataUrl: await asDataUrl(original.resultUrl), original: original.srcUrl };
}

async function asDataUrl(resultUrl: string): Promise<string> {
  if (resultUrl.startsWith('data:')) return resultUrl;
  return blobToDataUrl(await (await fetch(resultUrl)).blob());
}

/**
 * Downloads the enhanced image from the page, as a link the page follows: in a Chrome private
 * window the worker's downloads API would save it in the regular profile (Enhance spans both), shown
 * there and kept in its history after the private window closes. Returns whether there was one.
 */
export function saveHere(srcUrl: string): boolean {
  const original = enhancedOriginal(srcUrl);
  if (!original) return false;
  const link = document.createElement('a');
  link.href = original.resultUrl;
  link.download = enhancedFileName(original.srcUrl);
  link.click();
  return true;
}
