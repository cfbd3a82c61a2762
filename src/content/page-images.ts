/**
 * The page's <img>s wherever they are. `document.images` lists only the document's own tree;
 * sites built from web components draw many of theirs inside shadow roots, where a right-click
 * still offers our menu and a stretched thumbnail still wants enhancing.
 */

import { isOverlay } from './overlay-tag';

/** Firefox shows content scripts an element's closed shadow root on the element itself. */
type FirefoxElement = HTMLElement & { readonly openOrClosedShadowRoot?: ShadowRoot | null };

/**
 * The shadow root of an element that the content script may look into: an open one, or a closed
 * one through `chrome.dom` (Chrome 88+) or the element's own `openOrClosedShadowRoot` (Firefox,
 * which has no `chrome.dom`). Closed roots are looked for on custom elements only: component
 * libraries are what close their roots, and an extension call for every <div> of a big page would
 * make each walk slow.
 */
export function shadowRootOf(element: Element): ShadowRoot | null {
  if (isOverlay(element)) return null;
  if (element.shadowRoot) return element.shadowRoot;
  if (!element.localName.includes('-') || !(element instanceof HTMLElement)) return null;
  const dom = globalThis.chrome?.dom;
  if (!dom) return (element as FirefoxElement).openOrClosedShadowRoot ?? null;
  try {
    return dom.openOrClosedShadowRoot(element);
  } catch {
    // A copy Chrome cut off from Enhance (an update) throws on every extension call: it hands the
    // page back all the same, by the records it holds, and its closed roots are out of its reach.
    return null;
  }
}

/** The slot `element` is assigned to; in a closed root too, where `assignedSlot` gives none away and the extension's reach does. */
export function slotOf(element: Element): HTMLSlotElement | null {
  if (element.assignedSlot) return element.assignedSlot;
  const root = element.parentElement && shadowRootOf(element.parentElement);
  return root ? ([...root.querySelectorAll('slot')].find((slot) => slot.assignedElements().includes(element)) ?? null) : null;
}

/** Every shadow root in the tree of `node`, `node`'s own included when it is one, nested roots too. */
export function shadowRootsIn(node: Node): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  const visit = (tree: Node): void => {
    if (tree instanceof ShadowRoot) roots.push(tree);
    const walker = document.createTreeWalker(tree, NodeFilter.SHOW_ELEMENT);
    for (let current: Node | null = walker.currentNode; current; current = walker.nextNode()) {
      const root = current instanceof Element ? shadowRootOf(current) : null;
      if (root) visit(root);
    }
  };
  visit(node);
  return roots;
}

/**
 * The <img>s in the tree of `node` (itself included) and in the shadow roots under it; `roots`,
 * when the caller has walked for them already, are those roots.
 */
export function imagesIn(node: Node, roots: ShadowRoot[] = shadowRootsIn(node)): HTMLImageElement[] {
  const images: HTMLImageElement[] = node instanceof HTMLImageElement ? [node] : [];
  const trees: ParentNode[] = node instanceof Element || node instanceof Document ? [node] : [];
  trees.push(...roots);
  for (const tree of trees) images.push(...tree.querySelectorAll('img'));
  return images;
}

/** The element itself in the document, or the host in the document of the shadow trees it is inside. */
export function outermostHost(element: Element): Element {
  let outermost = element;
  for (let root = element.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) outermost = root.host;
  return outermost;
}

/**
 * An element (an image, or where the focus went) in text being edited: in a contenteditable
 * element, or in a document in design mode, as rich-text editors make them. An editor saves what
 * its images show, and an enhanced image shows a blob: URL that lasts only as long as this tab:
 * saved, the post would show a broken image.
 */
export function inEditedText(element: Element): boolean {
  return (element instanceof HTMLElement && element.isContentEditable) || element.ownerDocument.designMode === 'on';
}

/** Whether a box (a getBoundingClientRect) is laid out and at least partly inside the window, or within `margin` px of it. */
export function inWindow(rect: DOMRect, margin = 0): boolean {
  return rect.width > 0 && rect.height > 0 && rect.bottom > -margin && rect.right > -margin && rect.top < window.innerHeight + margin && rect.left < window.innerWidth + margin;
}

export function pageImages(): HTMLImageElement[] {
  return imagesIn(document);
}

/**
 * The image a pointer event is on. Inside a shadow root the event reaches the document retargeted
 * to the root's host, and a closed root hides even the start of the path: there we look into the
 * root at the event's point.
 */
export function imageUnder(event: MouseEvent): HTMLImageElement | null {
  return imageFrom(event.composedPath()[0], event.clientX, event.clientY);
}

/** The image the user sees at (x, y) in the window, in shadow roots too; null where something else is on top. */
export function imageAt(x: number, y: number): HTMLImageElement | null {
  return imageFrom(document.elementFromPoint(x, y), x, y);
}

/** The element the user sees at (x, y) in the window, the innermost across shadow roots. */
export function elementAt(x: number, y: number): Element | null {
  return innermost(document.elementFromPoint(x, y), x, y);
}

/** `start`, or the element at (x, y) in the shadow roots it hosts, where that is an image. */
function imageFrom(start: EventTarget | null | undefined, x: number, y: number): HTMLImageElement | null {
  const target = innermost(start, x, y);
  return target instanceof HTMLImageElement ? target : null;
}

/** `start`, or the element at (x, y) in the shadow roots it hosts, and in theirs. */
function innermost(start: EventTarget | null | undefined, x: number, y: number): Element | null {
  let target = start;
  while (target instanceof Element && !(target instanceof HTMLImageElement)) {
    const inner = shadowRootOf(target)?.elementFromPoint(x, y);
    if (!inner || inner === target) break;
    target = inner;
  }
  return target instanceof Element ? target : null;
}
