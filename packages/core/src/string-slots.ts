/**
 * String keys to small slot numbers, for tables that take one key in and one out per flow (the session's
 * remembered flows). A V8 `Map` never reuses a deleted entry: it rebuilds its hash table once the deleted
 * ones fill it, and once the Map is old each new table is made in the old generation, garbage for the major
 * collector every few hundred flows. This table (open addressing, linear probing, deletion by backward shift,
 * so no tombstones) allocates only while it grows.
 *
 * Keys are hashed here (FNV-1a with a seed drawn per table, so colliding ids cannot be precomputed); a key
 * costs a pass over its characters, as a `Map` lookup of a string not hashed before does.
 */
export class StringSlots {
  private keys: (string | undefined)[] = new Array<string | undefined>(16).fill(undefined);
  private slots = new Int32Array(16);
  private hashes = new Int32Array(16);
  private count = 0;

  /** `seed`: drawn at random unless a test needs to know where keys land. */
  constructor(private readonly seed: number = (Math.random() * 0x100000000) | 0) {}

  get size(): number {
    return this.count;
  }

  /** The slot of `key`, or -1. */
  get(key: string): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = stringHash(key, this.seed) & mask; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) return -1;
      if (k === key) return this.slots[i] as number;
    }
  }

  /** Files `key` (not in the table) at `slot`. */
  set(key: string, slot: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    this.insert(key, slot, stringHash(key, this.seed));
    this.count++;
  }

  /** Removes `key`; returns its slot, or -1. */
  delete(key: string): number {
    const keys = this.keys;
    const mask = keys.length - 1;
    let i = stringHash(key, this.seed) & mask;
    for (;;) {
      const k = keys[i];
      if (k === undefined) return -1;
      if (k === key) break;
      i = (i + 1) & mask;
    }
    const slot = this.slots[i] as number;
    // Backward shift: each later key of the run that may sit at `i` moves up, so no probe sequence breaks.
    for (let j = (i + 1) & mask; keys[j] !== undefined; j = (j + 1) & mask) {
      const home = (this.hashes[j] as number) & mask;
      // Key j may move to i when its home is not cyclically within (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        keys[i] = keys[j];
        this.slots[i] = this.slots[j] as number;
        this.hashes[i] = this.hashes[j] as number;
        i = j;
      }
    }
    keys[i] = undefined;
    this.count--;
    return slot;
  }

  private insert(key: string, slot: number, hash: number): void {
    const keys = this.keys;
    const mask = keys.length - 1;
    let i = hash & mask;
    while (keys[i] !== undefined) i = (i + 1) & mask;
    keys[i] = key;
    this.slots[i] = slot;
    this.hashes[i] = hash;
  }

  private grow(): void {
    const { keys, slots, hashes } = this;
    const size = keys.length * 2;
    this.keys = new Array<string | undefined>(size).fill(undefined);
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(size);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key !== undefined) this.insert(key, slots[i] as number, hashes[i] as number);
    }
  }
}

/** FNV-1a from a table's seed, its bits mixed down so the low ones (the home slot) depend on all. */
export function stringHash(key: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}
