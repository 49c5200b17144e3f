import { CodedError } from './coded-error.js';
import { RecentNumbers } from './recent-numbers.js';
/** Flow ids (docs/protocol.md): Ingenico's tools send random numeric strings, 6 digits, first digit non-zero. */

export type FlowIdGenerator = () => string;

export interface FlowIdOptions {
  /** Number of digits (default 6, 2..15). */
  readonly digits?: number;
  /** How many recent ids are guaranteed not to repeat (default 1000). */
  readonly window?: number;
  /** Random source in [0, 1); default uses `crypto.getRandomValues` when present. */
  readonly random?: () => number;
}

export class FlowIdError extends CodedError<'flow_id_space_exhausted'> {
  override readonly name = 'FlowIdError';
  constructor(message: string) {
    super('flow_id_space_exhausted', message);
  }
}

export function createFlowIdGenerator(options?: FlowIdOptions): FlowIdGenerator {
  const digits = options?.digits ?? 6;
  if (!Number.isInteger(digits) || digits < 2 || digits > 15) {
    throw new RangeError(`flow id digits must be an integer from 2 to 15, got ${digits}`);
  }
  const low = 10 ** (digits - 1);
  const span = 9 * low;
  // At most half the id space is reserved, so a fresh id is found in a few draws.
  const window = Math.min(options?.window ?? 1000, Math.floor(span / 2));
  const random = options?.random ?? defaultRandom;
  const recent = new RecentNumbers(window);
  return () => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const n = low + Math.floor(random() * span);
      if (recent.has(n)) continue;
      recent.add(n);
      return String(n);
    }
    throw new FlowIdError('could not find an unused flow id: the random source is not random');
  };
}

/** A UUID v4 generator, for terminals known to accept them (untested on hardware: docs/protocol.md). */
export const uuidFlowId: FlowIdGenerator = () => globalThis.crypto.randomUUID();

/** The process-wide default generator, so ids stay unique across sessions of one process. */
export const defaultFlowId: FlowIdGenerator = createFlowIdGenerator();

export interface FlowIdMatchOptions {
  /** Also accept an incoming id that ends with ours (a quirk in Ingenico's validation tool). Off by default. */
  readonly suffixMatch?: boolean;
}

export function flowIdMatches(ours: string, incoming: string, options?: FlowIdMatchOptions): boolean {
  if (ours === incoming) return true;
  return options?.suffixMatch === true && incoming.length > ours.length && incoming.endsWith(ours);
}

/** Random words drawn 256 at a time: one `getRandomValues` call costs about as much as a whole flow id. */
const randomPool = new Uint32Array(256);
let randomNext = randomPool.length;

function defaultRandom(): number {
  const cryptoObj = globalThis.crypto;
  if (cryptoObj?.getRandomValues !== undefined) {
    if (randomNext === randomPool.length) {
      cryptoObj.getRandomValues(randomPool);
      randomNext = 0;
    }
    return randomPool[randomNext++]! / 2 ** 32;
  }
  return Math.random();
}
