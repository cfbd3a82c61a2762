/** The enhanced pixels of an image as a data: URL, for "Save enhanced image" (downloads come from the worker). */
import { imagesShowing, originalOf } from './swap';

export async function enhancedDataUrl(srcUrl: string): Promise<string | null> {
  const img = imagesShowing(srcUrl).find((candidate) => originalOf(candidate));
  const resultUrl = img && originalOf(img)?.resultUrl;
  if (!resultUrl) return null;
  if (resultUrl.startsWith('data:')) return resultUrl;
  const blob = await (await fetch(resultUrl)).blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('could not read the enhanced image'));
    reader.readAsDataURL(blob);
  });
}
