import type { Random } from '@bluechip-ws/core';
import { mulberry32 } from '@bluechip-ws/core/internal';

export type { Random };

/** Default seed: every simulator run without an explicit seed or PRNG produces the same sequence. */
export const DEFAULT_SEED = 0x5eed;

/** Picks cards and auth codes reproducibly (mulberry32, shared with the memory transport's faults). */
export const seededRandom: (seed: number) => Random = mulberry32;

export function pick<T>(random: Random, items: readonly [T, ...T[]]): T {
  return items[Math.floor(random() * items.length)] ?? items[0];
}

/** A string of `count` decimal digits. */
export function digits(random: Random, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(Math.floor(random() * 10));
  return out;
}
