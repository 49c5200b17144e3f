import { renderUntrusted } from '@bluechip-ws/protocol/internal';
import type * as t from 'io-ts';
import { clipPath } from '../message-check.js';
import { unknownKeys } from './json-schema.js';

export type Decoded<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly path: string; readonly message: string };

/**
 * Decodes params with their codec and refuses undeclared keys; a failure names the first bad field as a
 * path (`params.amount`, `params.purchaseLevel2.taxAmount`) for the -32602 error.
 */
export function decodeParams<A>(codec: t.Type<A, unknown, unknown>, value: unknown): Decoded<A> {
  const input = value === undefined ? {} : value;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, path: 'params', message: 'params must be an object (by-name parameters)' };
  }
  const result = codec.decode(input);
  if (result._tag === 'Left') {
    const first = result.left[0];
    const keys = (first?.context ?? [])
      .map((entry) => entry.key)
      .filter((key) => key !== '' && !/^\d+$/.test(key));
    // Intersection and union members show up as numeric keys in the context: they are not fields.
    const path = clipPath(['params', ...dedupe(keys)].join('.'));
    const got = first?.value;
    const expected = first?.context.at(-1)?.type.name ?? 'a valid value';
    const message =
      got === undefined
        ? `${path} is required (${expected})`
        : `${path}: expected ${expected}, got ${renderUntrusted(got)}`;
    return { ok: false, path, message };
  }
  const extra = unknownKeys(codec, input, 'params');
  if (extra.length > 0) {
    // The keys are the caller's text: the path and the message show them bounded.
    const path = clipPath(extra[0] ?? 'params');
    const more = extra.length > 1 ? ` (and ${extra.length - 1} more)` : '';
    return { ok: false, path, message: `unknown field ${path}${more}` };
  }
  return { ok: true, value: result.right };
}

function dedupe(keys: readonly string[]): string[] {
  const out: string[] = [];
  for (const key of keys) if (out.at(-1) !== key) out.push(key);
  return out;
}
