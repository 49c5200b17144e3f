/**
 * A Map for tables that are empty or hold one entry most of the time (the live flows of a sequential POS,
 * the journal's open flows, the held links): the only entry lives in two fields, and a real Map is used only
 * while there are two or more. A V8 Map that swings between zero and one entry reallocates its hash table on
 * the way down (it shrinks below a quarter full) and on the way up, and once the Map is old every new table
 * is made in the old generation: about 400 bytes per sale there, which only a major collection frees.
 *
 * Order is a Map's (insertion order): the sole entry is used only while the Map is empty, and moves into the
 * Map when a second key arrives. Once two entries were live at once the table stays a Map, even when it drains:
 * a POS that runs flows concurrently keeps doing so, and flipping back would run new code paths (and make V8
 * deoptimize what it compiled) at every ramp-up. Keys are compared with `===` (string and object keys; no NaN).
 */
export class SoleFirstMap<K, V> {
  private hasSole = false;
  /** Set once two entries were live at once: from then on every entry goes to the Map. */
  private crowded = false;
  private soleKey: K | undefined;
  private soleValue: V | undefined;
  private readonly many = new Map<K, V>();

  get size(): number {
    return this.hasSole ? 1 : this.many.size;
  }

  get(key: K): V | undefined {
    if (this.hasSole) return key === this.soleKey ? this.soleValue : undefined;
    return this.many.get(key);
  }

  has(key: K): boolean {
    return this.hasSole ? key === this.soleKey : this.many.has(key);
  }

  set(key: K, value: V): void {
    if (this.hasSole) {
      if (key === this.soleKey) {
        this.soleValue = value;
        return;
      }
      this.many.set(this.soleKey as K, this.soleValue as V);
      this.dropSole();
      this.crowded = true;
    } else if (!this.crowded) {
      this.hasSole = true;
      this.soleKey = key;
      this.soleValue = value;
      return;
    }
    this.many.set(key, value);
  }

  delete(key: K): boolean {
    if (!this.hasSole) return this.many.delete(key);
    if (key !== this.soleKey) return false;
    this.dropSole();
    return true;
  }

  /**
   * The values in insertion order. Like a Map's iterator it tolerates deletes while it runs; an entry added
   * while it runs over a sole entry is not visited (a Map's iterator would visit it).
   */
  values(): IterableIterator<V> {
    return this.hasSole ? [this.soleValue as V].values() : this.many.values();
  }

  keys(): IterableIterator<K> {
    return this.hasSole ? [this.soleKey as K].values() : this.many.keys();
  }

  private dropSole(): void {
    this.hasSole = false;
    // Let go of what the entry referenced.
    this.soleKey = undefined;
    this.soleValue = undefined;
  }
}
