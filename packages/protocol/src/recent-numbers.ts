/**
 * The last `window` numbers drawn, for `createFlowIdGenerator`: a ring of them and an open-addressing set
 * over them (linear probing, deletion by backward shift), both in typed arrays that grow while the window
 * fills. A `Set` of id strings did the same with a hash of each new string and, one id in and one out per
 * flow, a new hash table every few hundred flows, made in the old generation once the Set was old (about 40
 * bytes a flow for the major collector). Here nothing is allocated once the window is full. Numbers are
 * positive integers below 2^53 (0 marks an empty slot).
 */
export class RecentNumbers {
  private ring = new Float64Array(16);
  private next = 0;
  private count = 0;
  private table = new Float64Array(32);
  private shift = 32 - 5;

  constructor(readonly window: number) {}

  has(n: number): boolean {
    const table = this.table;
    const mask = table.length - 1;
    for (let i = this.home(n); ; i = (i + 1) & mask) {
      const slot = table[i] as number;
      if (slot === n) return true;
      if (slot === 0) return false;
    }
  }

  /** Adds `n` (not already in), forgetting the oldest number once `window` are kept. */
  add(n: number): void {
    if (this.window <= 0) return;
    if (this.count === this.window) {
      this.remove(this.ring[this.next] as number);
    } else {
      if (this.count === this.ring.length) this.growRing();
      this.count++;
    }
    this.ring[this.next] = n;
    this.next = this.next + 1 === this.window ? 0 : this.next + 1;
    // At most half full: probes stay short.
    if (this.count * 2 > this.table.length) this.growTable();
    this.insert(n);
  }

  /** Fibonacci hashing of the low 32 bits: the top bits of the product pick the slot. */
  private home(n: number): number {
    return Math.imul(n | 0, 0x9e3779b1) >>> this.shift;
  }

  private insert(n: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let i = this.home(n);
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = n;
  }

  private remove(n: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let i = this.home(n);
    while (table[i] !== n) {
      if (table[i] === 0) return;
      i = (i + 1) & mask;
    }
    // Backward shift: each later entry of the run that may sit at `i` moves up, so no probe sequence breaks.
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const h = this.home(table[j] as number);
      // Entry j may move to i when its home is not cyclically within (i, j].
      if (i <= j ? h <= i || h > j : h <= i && h > j) {
        table[i] = table[j] as number;
        i = j;
      }
    }
    table[i] = 0;
  }

  /** Only while the window fills, so the ring is in order from 0. */
  private growRing(): void {
    const ring = new Float64Array(Math.min(this.window, this.ring.length * 2));
    ring.set(this.ring);
    this.ring = ring;
  }

  private growTable(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    this.shift--;
    for (const n of old) if (n !== 0) this.insert(n);
  }
}
