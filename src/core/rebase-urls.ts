/**
 * A page's relative image URLs, written back after its document URL moved (history.pushState to
 * another path): written as they were, they would be resolved again against the new path and load
 * nothing. Only URLs that resolve differently under the two bases are rewritten, as the absolute
 * URL they had; the rest keep the page's own text.
 */

function resolved(url: string, base: string): string | null {
  try {
    return new URL(url, base).href;
  } catch {
    return null;
  }
}

/**
 * `url` as it resolved under `from`, where `to` would resolve it elsewhere; else as it is. An empty
 * or fragment-only value names the document itself, never an image file: it stays too.
 */
export function rebaseUrl(url: string, from: string, to: string): string {
  if (url.trim() === '' || url.trim().startsWith('#')) return url;
  const before = resolved(url, from);
  return before === null || before === resolved(url, to) ? url : before;
}

const WHITESPACE = /[\t\n\f\r ]/;

/**
 * The end of a candidate's descriptors in a srcset: the next comma outside parentheses (the HTML
 * parser's rule: a future descriptor may hold commas in parentheses), or the end.
 */
function descriptorsEnd(srcset: string, from: number): number {
  let inParens = false;
  for (let i = from; i < srcset.length; i++) {
    const char = srcset[i];
    if (char === '(') inParens = true;
    else if (char === ')') inParens = false;
    else if (char === ',' && !inParens) return i;
  }
  return srcset.length;
}

/**
 * `srcset` with each candidate URL replaced by `map`'s answer for it, its descriptors and
 * separators as written. Splits candidates as the HTML parser does: a URL runs to the next
 * whitespace, less any commas it ends with (which end the candidate); a data: URL's own commas stay in it.
 */
function mapSrcsetUrls(srcset: string, map: (url: string) => string): string {
  let out = '';
  let i = 0;
  while (i < srcset.length) {
    const start = i;
    while (i < srcset.length && (WHITESPACE.test(srcset[i]) || srcset[i] === ',')) i++;
    out += srcset.slice(start, i);
    if (i >= srcset.length) break;
    let end = i;
    while (end < srcset.length && !WHITESPACE.test(srcset[end])) end++;
    let urlEnd = end;
    while (urlEnd > i && srcset[urlEnd - 1] === ',') urlEnd--;
    out += map(srcset.slice(i, urlEnd));
    // A URL that ended in commas ended its candidate; otherwise its descriptors run to the next comma.
    const next = urlEnd < end ? urlEnd : descriptorsEnd(srcset, end);
    out += srcset.slice(urlEnd, next);
    i = next;
  }
  return out;
}

/** Each candidate URL of `srcset` rebased (rebaseUrl). */
export function rebaseSrcset(srcset: string, from: string, to: string): string {
  return mapSrcsetUrls(srcset, (url) => rebaseUrl(url, from, to));
}

/** The URLs an image's markup names: its src, and the candidates of its srcset and its <source>s'. */
export interface MarkupUrls {
  src: string | null;
  srcsets: Array<string | null>;
}

/**
 * The first of `bases` under which `markup` names `url`, the file the image showed: the base the
 * page wrote it for. Null where none does (the page named another file since, or it was written
 * for a base not among them).
 */
export function baseNaming(url: string, { src, srcsets }: MarkupUrls, bases: string[]): string | null {
  const named: string[] = src === null ? [] : [src];
  for (const srcset of srcsets) {
    if (srcset === null) continue;
    mapSrcsetUrls(srcset, (candidate) => {
      named.push(candidate);
      return candidate;
    });
  }
  return bases.find((base) => named.some((value) => value.trim() !== '' && resolved(value.trim(), base) === url)) ?? null;
}

/** Values of the page's markup, rebased from one base to another; `from` null leaves them as they are. */
export interface Rebasing {
  url(value: string | null): string | null;
  srcset(value: string | null): string | null;
}

export function rebasing(from: string | null, to: string): Rebasing {
  return {
    url: (value) => (value === null || from === null ? value : rebaseUrl(value, from, to)),
    srcset: (value) => (value === null || from === null ? value : rebaseSrcset(value, from, to)),
  };
}
