/**
 * A drag of an enhanced image, or of a selection holding one, carries the page's own files, as a
 * copy does (PageEnhancer.copying): dropped into an editor elsewhere, our blob: URL would break
 * once this tab closes. The browser writes the drag's data before the page hears of the drag, so
 * the data is mended, not the page. An image file the drag may carry (a drop on the desktop) is
 * left as the browser made it: bytes last.
 */
import { pageDragData } from './swap';

const URL_TYPES = ['text/html', 'text/uri-list', 'text/plain', 'text/x-moz-url'];

export function giveDragsPageFiles(event: DragEvent): void {
  const data = event.dataTransfer;
  if (!data) return;
  for (const type of URL_TYPES) {
    const mended = data.types.includes(type) ? pageDragData(type, data.getData(type)) : null;
    if (mended !== null) data.setData(type, mended);
  }
}
