/** The element our rings, messages and notices live in (overlay.ts), told apart from the page's own. */
export const OVERLAY_TAG = 'enhance-overlay';

/**
 * Whether `node` is one of our rings, messages or notices. The page watch looks past them: a ring redrawn
 * on every progress step would otherwise count as the page adding elements, and start a walk of
 * the whole page each time.
 */
export function isOverlay(node: Node): boolean {
  return node instanceof Element && node.localName === OVERLAY_TAG;
}
