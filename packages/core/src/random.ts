/** A source of numbers in [0, 1). Injected wherever randomness shows, so runs replay from a seed. */
export type Random = () => number;

/**
 * mulberry32: a tiny seeded PRNG. Same seed, same sequence, so a chaos test or a simulator run that fails can
 * be replayed exactly. Not for anything cryptographic (flow ids use crypto).
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
