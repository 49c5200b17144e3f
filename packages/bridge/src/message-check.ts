import { hasLoneSurrogate } from '@bluechip-ws/protocol/internal';

/**
 * The checks every parsed message passes at the door, before anything reads it: nesting bounded (so no
 * recursive code behind the door, an error renderer, `JSON.stringify` of a frame, can overflow the stack) and
 * every string, key or value, encodable as UTF-8 (a `\ud800` escape parses to a lone surrogate that cannot go
 * on to the terminal or a journal as it came). One iterative walk: its own stack is on the heap and bounded by
 * the message, which the carrier already bounded in bytes.
 */

/** Nesting of one message (or one element of a batch) at most: `{"a":[1]}` is 2 deep. */
export const DEFAULT_MAX_DEPTH = 64;

export type MessageCheck =
  | { readonly ok: true }
  /**
   * `path` names where the nesting went too deep, cut to the message's member and, under `params`, the
   * parameter (`params.amount`): a decode failure of a parameter is answered -32602 with that path.
   */
  | { readonly ok: false; readonly problem: 'too_deep'; readonly limit: number; readonly path: string }
  /** `path` names the string: `params.idempotencyKey`, `params.purchaseLevel2` (for a key), `method`. */
  | { readonly ok: false; readonly problem: 'lone_surrogate'; readonly path: string };

interface Node {
  readonly value: unknown;
  readonly depth: number;
  readonly key: string | number | undefined;
  readonly parent: Node | undefined;
}

export function checkMessage(value: unknown, maxDepth: number = DEFAULT_MAX_DEPTH): MessageCheck {
  const stack: Node[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const v = node.value;
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v)) return { ok: false, problem: 'lone_surrogate', path: pathOf(node) };
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const depth = node.depth + 1;
    if (depth > maxDepth) return { ok: false, problem: 'too_deep', limit: maxDepth, path: memberOf(node) };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, key: i, parent: node });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      if (hasLoneSurrogate(key)) return { ok: false, problem: 'lone_surrogate', path: pathOf(node) };
      // Own enumerable data only: a parsed JSON value has nothing else.
      stack.push({ value: Object.getOwnPropertyDescriptor(v, key)?.value, depth, key, parent: node });
    }
  }
  return { ok: true };
}

/** `params.items.0.name`: the keys from the message down to `node` (the message itself is empty). */
function pathOf(node: Node): string {
  return clipPath(keysOf(node).join('.'));
}

/** `params.amount` for anything inside that parameter, `id` for anything inside `id`: at most two keys. */
function memberOf(node: Node): string {
  const keys = keysOf(node);
  return clipPath(keys.slice(0, keys[0] === 'params' ? 2 : 1).join('.'));
}

function keysOf(node: Node): string[] {
  const keys: string[] = [];
  for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) keys.push(String(n.key));
  return keys.reverse();
}

const MAX_PATH_CHARS = 200;

/** A path built from the caller's keys, bounded for an error message and `data.path`. */
export function clipPath(path: string): string {
  return path.length > MAX_PATH_CHARS ? `${path.slice(0, MAX_PATH_CHARS - 3)}...` : path;
}
