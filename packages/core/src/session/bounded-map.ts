/** A Map that forgets its oldest entries beyond `limit`: memory stays bounded whatever the terminal sends. */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  /**
   * Walks the keys oldest first across calls. `map.keys().next()` from a fresh iterator would rescan every
   * slot deleted since V8 last compacted the table: O(limit) per eviction instead of O(1).
   */
  private oldest: Iterator<K> | undefined;

  /** `dropped`: told of each value the map lets go of (evicted, or replaced under its key). */
  constructor(
    private readonly limit: number,
    private readonly dropped?: (value: V) => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    const replaced = this.map.get(key);
    if (replaced !== undefined) {
      this.map.delete(key);
      if (replaced !== value) this.dropped?.(replaced);
    }
    this.map.set(key, value);
    if (this.map.size > this.limit) {
      let oldest = this.oldest?.next();
      // A finished iterator never sees later inserts: start a new one.
      if (oldest === undefined || oldest.done === true) {
        this.oldest = this.map.keys();
        oldest = this.oldest.next();
      }
      if (oldest.done !== true) {
        const evicted = this.map.get(oldest.value);
        this.map.delete(oldest.value);
        if (evicted !== undefined) this.dropped?.(evicted);
      }
    }
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  delete(key: K): void {
    const value = this.map.get(key);
    if (value === undefined) return;
    this.map.delete(key);
    this.dropped?.(value);
  }
}
