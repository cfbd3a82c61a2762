/**
 * `sizes="auto, ..."`, which WordPress (6.7 on) writes on every lazy image: for an image that
 * loads lazily the browser takes its laid-out width as the source size; for any other the "auto"
 * is passed over and the rest of the list applies. A detached copy of the markup is laid out
 * nowhere, so the copy gets the width the page's image has, written in.
 */
export function resolvedSizes(sizes: string | null, lazy: boolean, layoutWidth: number): string | null {
  if (sizes === null || !lazy || layoutWidth <= 0) return sizes;
  const first = sizes.split(',', 1)[0].trim().toLowerCase();
  return first === 'auto' ? `${layoutWidth}px` : sizes;
}
