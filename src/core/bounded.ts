/**
 * Bounds for what a page's script remembers per URL: an endless feed brings new URLs without end,
 * and a tab may stay open for days.
 */

/** Drops the oldest entries (the first put in) of a Map or Set until it holds at most `max`. */
export function keepNewest(collection: Map<unknown, unknown> | Set<unknown>, max: number): void {
  for (const key of collection.keys()) {
    if (collection.size <= max) return;
    collection.delete(key);
  }
}
