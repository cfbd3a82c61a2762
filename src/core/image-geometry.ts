/**
 * Where an image sits on screen and how large its pixels are drawn, from plain numbers the content
 * script measures: pure, so the rules are tested without a browser.
 */
import type { Priority } from './job-queue';

export interface Size {
  width: number;
  height: number;
}

/** Padding plus border on each side, in CSS pixels. */
export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** A box in viewport coordinates, as getBoundingClientRect gives it. */
export interface ViewportRect {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/**
 * The box an image's pixels are drawn into: its border box less padding and border. A framed
 * thumbnail's frame is not resolution the image has to fill.
 */
export function contentBoxSize(borderBox: Size, insets: Insets): Size {
  return {
    width: Math.max(0, borderBox.width - insets.left - insets.right),
    height: Math.max(0, borderBox.height - insets.top - insets.bottom),
  };
}

/**
 * The size an image laid out as its file stores it (`image-orientation: none`, which browsers
 * honour for images the page may read) has, from the upright size its `naturalWidth` and
 * `naturalHeight` give (Chromium and Firefox: measured) and a `shape` it is laid out in or made
 * at: turned where that is closer to the shape. An EXIF orientation that turns the picture by a
 * quarter swaps its sides; one that flips it keeps them, and no size tells the two apart.
 */
export function storedSize(upright: Size, shape: Size): Size {
  const turned = { width: upright.height, height: upright.width };
  const offBy = (size: Size) => Math.abs(Math.log((size.width / size.height) * (shape.height / shape.width)));
  return offBy(turned) < offBy(upright) ? turned : upright;
}

/** The linear part of a 2D transform: x' = a x + c y, y' = b x + d y (DOMMatrix's names). */
export interface LinearTransform {
  a: number;
  b: number;
  c: number;
  d: number;
}

/**
 * How much a transform stretches a box along its own width and height: the lengths its sides
 * become. A rotation or a flip turns the box without making it larger; its bounding box, which
 * getBoundingClientRect gives, grows (a 192 x 96 image turned 90 degrees reads as 96 x 192).
 */
export function transformStretch({ a, b, c, d }: LinearTransform): Size {
  return { width: Math.hypot(a, b), height: Math.hypot(c, d) };
}

/**
 * Visible when any of it is inside the viewport; otherwise the straight-line gap to the viewport,
 * so an image just below the fold goes before one two screens away, and one in a sideways
 * carousel counts its horizontal gap too.
 */
export function viewportPriority(rect: ViewportRect, viewport: Size): Priority {
  const hasArea = rect.right > rect.left && rect.bottom > rect.top;
  const dx = Math.max(0, -rect.right, rect.left - viewport.width);
  const dy = Math.max(0, -rect.bottom, rect.top - viewport.height);
  const inside = rect.right > 0 && rect.left < viewport.width && rect.bottom > 0 && rect.top < viewport.height;
  if (hasArea && inside) return { visible: true, distance: 0 };
  return { visible: false, distance: Math.hypot(dx, dy) };
}
