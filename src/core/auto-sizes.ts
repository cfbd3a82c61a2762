/**
 * `sizes="auto, ..."`, which WordPress (6.7 on) writes on every lazy image: for an image that
 * loads lazily the browser takes its laid-out width as the source size; for any other the "auto"
 * is passed over and the rest of the list applies. A detached copy of the markup is laid out
 * nowhere, so the copy gets the width the page's image has, written in. `autoApplies`: the image
 * loads lazily, in a browser that knows the keyword (see browserKnowsSizesAuto); elsewhere the
 * copy keeps the list, which the browser reads for it as it does for the page's image.
 */
export function resolvedSizes(sizes: string | null, autoApplies: boolean, layoutWidth: number): string | null {
  if (sizes === null || !autoApplies || layoutWidth <= 0) return sizes;
  const first = sizes.split(',', 1)[0].trim().toLowerCase();
  return first === 'auto' ? `${layoutWidth}px` : sizes;
}

/**
 * Whether this browser reads `sizes="auto"`: Chrome 126 and Firefox 150 on, by their user agent
 * (nothing on an element tells, short of laying a test image out in the page). Enhance runs from
 * Chrome 116 and Firefox 140: in those before, the page's image passes "auto" over, and a copy
 * given the laid-out width would pick another file than the page's.
 */
export function browserKnowsSizesAuto(userAgent: string): boolean {
  const firefox = /\bFirefox\/(\d+)/.exec(userAgent);
  if (firefox) return Number(firefox[1]) >= 150;
  const chrome = /Chrom(?:e|ium)\/(\d+)/.exec(userAgent);
  return chrome !== null && Number(chrome[1]) >= 126;
}
