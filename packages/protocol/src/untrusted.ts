/**
 * Reading and showing input that came through a door (a stdio line, a WebSocket message, a NATS payload).
 * One strict UTF-8 decoder and one bounded renderer, shared by every door, so no door replaces bytes it
 * cannot read and no error message recurses into a value an attacker nested 10,000 deep.
 */

/** A fatal decoder: invalid UTF-8 is refused, never replaced with U+FFFD (two keys must not become one). */
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of `bytes`, or `undefined` when they are not valid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Whether a JS string holds a lone surrogate (text that came in as UTF-16 and cannot be UTF-8). */
export function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (code >= 0xdc00 && code <= 0xdfff) return true;
  }
  return false;
}

export interface RenderOptions {
  /** Characters of output at most (an ellipsis marks a cut). Default 60. */
  readonly maxChars?: number;
  /** Nesting shown at most; deeper arrays and objects render as `[…]` / `{…}`. Default 4. */
  readonly maxDepth?: number;
}

/**
 * A short JSON-like rendering of an untrusted value for an error message: bounded in depth, in length and
 * in work (it stops walking once the output is long enough), free of the value's own code (no
 * `toJSON`, no getters: only own enumerable keys of plain data), so it never throws and never overflows
 * the stack.
 */
export function renderUntrusted(value: unknown, options: RenderOptions = {}): string {
  const maxChars = options.maxChars ?? 60;
  const maxDepth = options.maxDepth ?? 4;
  const out: string[] = [];
  let length = 0;
  const push = (text: string): boolean => {
    out.push(text);
    length += text.length;
    return length <= maxChars;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null) return push('null');
    switch (typeof v) {
      case 'string':
        return push(JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) : v));
      case 'number':
      case 'boolean':
        return push(String(v));
      case 'bigint':
        return push(`${v}n`);
      case 'undefined':
        return push('undefined');
      case 'object':
        break;
      default:
        return push(typeof v);
    }
    const isArray = Array.isArray(v);
    if (depth >= maxDepth) return push(isArray ? '[…]' : '{…}');
    if (!push(isArray ? '[' : '{')) return false;
    let first = true;
    if (isArray) {
      for (const item of v as readonly unknown[]) {
        if (!first && !push(',')) return false;
        first = false;
        if (!walk(item, depth + 1)) return false;
      }
    } else {
      for (const key of Object.keys(v as object)) {
        if (!first && !push(',')) return false;
        first = false;
        if (!push(`${JSON.stringify(key.length > maxChars ? key.slice(0, maxChars) : key)}:`)) return false;
        const descriptor = Object.getOwnPropertyDescriptor(v, key);
        if (!walk(descriptor && 'value' in descriptor ? descriptor.value : undefined, depth + 1))
          return false;
      }
    }
    return push(isArray ? ']' : '}');
  };
  walk(value, 0);
  const text = out.join('');
  return text.length > maxChars ? `${text.slice(0, Math.max(0, maxChars - 3))}...` : text;
}
