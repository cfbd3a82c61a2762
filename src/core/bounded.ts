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

/** Drops the oldest entries of `map` (insertion order) until the sizes `sizeOf` gives add up to at most `max`. */
export function keepNewestWithin<K, V>(map: Map<K, V>, max: number, sizeOf: (value: V) => number): void {
  let total = 0;
  for (const value of map.values()) total += sizeOf(value);
  for (const [key, value] of map) {
    if (total <= max) return;
    total -= sizeOf(value);
    map.delete(key);
  }
}
