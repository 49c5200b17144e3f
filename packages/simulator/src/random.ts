/** A source of numbers in [0, 1). Injected so that runs are reproducible from a seed. */
export type Random = () => number;

/** Default seed: every simulator run without an explicit seed or PRNG produces the same sequence. */
export const DEFAULT_SEED = 0x5eed;

/** mulberry32: tiny, fast and good enough to pick cards and auth codes reproducibly. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: Random, items: readonly [T, ...T[]]): T {
  return items[Math.floor(random() * items.length)] ?? items[0];
}

/** A string of `count` decimal digits. */
export function digits(random: Random, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(Math.floor(random() * 10));
  return out;
}
