import { StringMap } from './string-map.js';

/**
 * A string-keyed map for tables of flows in flight (the live flows, the journal's open flows, the held links):
 * empty or holding one entry most of the time for a sequential POS, many entries churning one in and one out
 * per flow for a concurrent one. The only entry lives in two fields; a table (`StringMap`) is used only while
 * there are two or more. A V8 Map that swings between zero and one entry reallocates its hash table on the way
 * down and up, in the old generation once the Map is old (about 400 bytes per sale); one that churns leaves
 * each old table pointing at its successor, so at 100 in flight the flows in every table since the last major
 * collection survived each scavenge and were promoted (about 1.5 KB a sale). `StringMap` does neither.
 *
 * Order is insertion order: the sole entry is used only while the table is empty, and moves into it when a
 * second key arrives. Once two entries were live at once the table stays in use, even when it drains: a POS
 * that runs flows concurrently keeps doing so, and flipping back would run new code paths (and make V8
 * deoptimize what it compiled) at every ramp-up.
 */
export class SoleFirstMap<V> {
  private hasSole = false;
  /** Set once two entries were live at once: from then on every entry goes to the Map. */
  private crowded = false;
  private soleKey: string | undefined;
  private soleValue: V | undefined;
  private readonly many = new StringMap<V>();

  get size(): number {
    return this.hasSole ? 1 : this.many.size;
  }

  get(key: string): V | undefined {
    if (this.hasSole) return key === this.soleKey ? this.soleValue : undefined;
    return this.many.get(key);
  }

  has(key: string): boolean {
    return this.hasSole ? key === this.soleKey : this.many.has(key);
  }

  set(key: string, value: V): void {
    if (this.hasSole) {
      if (key === this.soleKey) {
        this.soleValue = value;
        return;
      }
      this.many.set(this.soleKey as string, this.soleValue as V);
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

  delete(key: string): boolean {
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

  keys(): IterableIterator<string> {
    return this.hasSole ? [this.soleKey as string].values() : this.many.keys();
  }

  private dropSole(): void {
    this.hasSole = false;
    // Let go of what the entry referenced.
    this.soleKey = undefined;
    this.soleValue = undefined;
  }
}
