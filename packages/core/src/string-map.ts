import { StringSlots } from './string-slots.js';

/**
 * A `Map` with string keys, in insertion order (setting a kept key keeps its place), for tables of flows that
 * take one key in and one out per flow while many are live (`SoleFirstMap` once crowded: the live flows at 100
 * in flight). A V8 `Map` never reuses a deleted entry: it rebuilds its hash table once deleted entries fill it,
 * and the old table keeps a pointer to the new one (for live iterators). Once an old table is promoted, every
 * later table, and every flow in them, survives each scavenge until the next mark-compact: the flows in flight
 * at each rebuild, with their frames and parsed answers, were promoted. Here keys find their entry through
 * `StringSlots`, entries are columns reused through a free list, and the order is a list through them: nothing
 * is allocated once the table has grown to its working size. The subset of `Map` its users need.
 */
export class StringMap<V> {
  private readonly index = new StringSlots();
  private keys_: (string | undefined)[] = [];
  private values_: (V | undefined)[] = [];
  /** Insertion order: the entry before and after each (-1: none). */
  private before = new Int32Array(0);
  private after = new Int32Array(0);
  private first = -1;
  private last = -1;
  private free = new Int32Array(0);
  private freeCount = 0;
  /** Walks under way: entries deleted meanwhile are reused only after the last one ends. */
  private walkers = 0;
  private readonly deferred: number[] = [];

  get size(): number {
    return this.index.size;
  }

  has(key: string): boolean {
    return this.index.get(key) >= 0;
  }

  get(key: string): V | undefined {
    const entry = this.index.get(key);
    return entry < 0 ? undefined : this.values_[entry];
  }

  set(key: string, value: V): this {
    const kept = this.index.get(key);
    if (kept >= 0) {
      this.values_[kept] = value;
      return this;
    }
    if (this.freeCount === 0) this.grow();
    const entry = this.free[--this.freeCount] as number;
    this.keys_[entry] = key;
    this.values_[entry] = value;
    this.index.set(key, entry);
    this.before[entry] = this.last;
    this.after[entry] = -1;
    if (this.last >= 0) this.after[this.last] = entry;
    else this.first = entry;
    this.last = entry;
    return this;
  }

  delete(key: string): boolean {
    const entry = this.index.delete(key);
    if (entry < 0) return false;
    const before = this.before[entry] as number;
    const after = this.after[entry] as number;
    if (before >= 0) this.after[before] = after;
    else this.first = after;
    if (after >= 0) this.before[after] = before;
    else this.last = before;
    this.keys_[entry] = undefined;
    this.values_[entry] = undefined;
    // A walk standing on this entry goes on through its `after`, which stays as it was.
    if (this.walkers > 0) this.deferred.push(entry);
    else this.free[this.freeCount++] = entry;
    return true;
  }

  /**
   * The values in insertion order, live as a `Map`'s: an entry deleted before the walk reaches it is not
   * visited, one added is (unless the walk stands on an entry deleted while it was the last one).
   */
  values(): IterableIterator<V> {
    return this.walk((entry) => this.values_[entry] as V);
  }

  keys(): IterableIterator<string> {
    return this.walk((entry) => this.keys_[entry] as string);
  }

  private *walk<T>(read: (entry: number) => T): IterableIterator<T> {
    this.walkers++;
    try {
      for (let entry = this.first; entry >= 0; entry = this.after[entry] as number) {
        if (this.keys_[entry] !== undefined) yield read(entry);
      }
    } finally {
      if (--this.walkers === 0) {
        for (const entry of this.deferred) this.free[this.freeCount++] = entry;
        this.deferred.length = 0;
      }
    }
  }

  private grow(): void {
    const from = this.keys_.length;
    const to = Math.max(16, from * 2);
    this.keys_.length = to;
    this.keys_.fill(undefined, from);
    this.values_.length = to;
    this.values_.fill(undefined, from);
    this.before = grown(this.before, to);
    this.after = grown(this.after, to);
    this.free = grown(this.free, to);
    for (let entry = to - 1; entry >= from; entry--) this.free[this.freeCount++] = entry;
  }
}

function grown(array: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(length);
  bigger.set(array);
  return bigger;
}
