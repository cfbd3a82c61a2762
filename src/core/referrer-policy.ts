/**
 * Whether the browser sends a page's image request without a Referer, by the page's referrer
 * policy (the Referrer Policy spec's rules, for the request's origin only: the engine sends no
 * more than the page's origin). The engine, asking a host again with the page's Referer, must not
 * tell the host more than the page would have.
 */

/** `<meta name="referrer">`'s legacy words, as the HTML spec maps them. */
const LEGACY: Record<string, string> = { never: 'no-referrer', default: 'strict-origin-when-cross-origin', always: 'unsafe-url', 'origin-when-crossorigin': 'origin-when-cross-origin' };

/** A `<meta name="referrer">` content as a policy; '' for a value the browser would ignore. */
export function metaPolicy(content: string): string {
  const word = content.trim().toLowerCase();
  return LEGACY[word] ?? (POLICIES.has(word) ? word : '');
}

const POLICIES = new Set(['no-referrer', 'no-referrer-when-downgrade', 'same-origin', 'origin', 'strict-origin', 'origin-when-cross-origin', 'strict-origin-when-cross-origin', 'unsafe-url']);

/** `policy`: the image's, else the page's; '' is the browser's default (strict-origin-when-cross-origin). */
export function sendsNoReferer(policy: string, page: URL, image: URL): boolean {
  const downgrade = page.protocol === 'https:' && image.protocol !== 'https:';
  switch (policy) {
    case 'no-referrer':
      return true;
    case 'same-origin':
      return page.origin !== image.origin;
    case 'origin':
    case 'origin-when-cross-origin':
    case 'unsafe-url':
      return false;
    default:
      // strict-origin, strict-origin-when-cross-origin (the default), no-referrer-when-downgrade.
      return downgrade;
  }
}
