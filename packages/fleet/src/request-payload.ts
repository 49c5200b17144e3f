/**
 * The agent's door: the payload of one NATS request, as hostile bytes. Bounded in size and nesting before it
 * is parsed, refused when it is not UTF-8 (never replaced with U+FFFD: two keys must not become one), and
 * answered with one typed JSON-RPC error when it is not a params object. Pure: no NATS, no agent.
 */

import { decodeUtf8Strict } from '@bluechip-ws/protocol/internal';

/** The largest request payload the agent reads (the server's `max_payload`, 1 MB by default, may be lower). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** The deepest nesting of arrays and objects in a request's params (far more than any method's params need). */
export const MAX_REQUEST_DEPTH = 32;

/** The longest `Bluechip-Call-Id` header echoed back as the reply's `id` (a longer one is replaced). */
export const MAX_CALL_ID_LENGTH = 128;

export type PayloadRefusal = {
  readonly code: -32700 | -32600 | -32602;
  readonly message: string;
  readonly data: { readonly code: string; readonly reason?: string; readonly [key: string]: unknown };
};

export type DecodedPayload =
  | { readonly params: { readonly [key: string]: unknown } }
  | { readonly error: PayloadRefusal };

/** An empty payload is `{}` (a method without params). */
export function decodeRequestPayload(bytes: Uint8Array): DecodedPayload {
  if (bytes.length > MAX_REQUEST_BYTES) {
    return refuse(-32600, `the request is ${bytes.length} bytes; at most ${MAX_REQUEST_BYTES} are read`, {
      code: 'invalid_request',
      reason: 'too_large',
      maxBytes: MAX_REQUEST_BYTES,
    });
  }
  if (bytes.length === 0) return { params: {} };
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) {
    return refuse(-32700, 'the request is not valid UTF-8', { code: 'parse_error', reason: 'invalid_utf8' });
  }
  if (nestsDeeperThan(text, MAX_REQUEST_DEPTH)) {
    // The payload is the params: too deep is a params failure, as the bridge answers nesting inside params.
    return refuse(-32602, `params: nested deeper than ${MAX_REQUEST_DEPTH} levels`, {
      code: 'invalid_params',
      reason: 'too_deep',
      path: 'params',
      maxDepth: MAX_REQUEST_DEPTH,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's message quotes a bounded piece of the input; cut it anyway.
    const detail = (error as Error).message.slice(0, 200);
    return refuse(-32700, `malformed JSON: ${detail}`, { code: 'parse_error', reason: 'malformed_json' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(-32602, 'params must be a JSON object', { code: 'invalid_params', path: 'params' });
  }
  return { params: value as { readonly [key: string]: unknown } };
}

/** The caller's call id when it is short printable ASCII, else undefined (the agent makes one). */
export function acceptableCallId(header: string | undefined): string | undefined {
  if (header === undefined || header.length === 0 || header.length > MAX_CALL_ID_LENGTH) return undefined;
  return /^[\x21-\x7e]+$/.test(header) ? header : undefined;
}

function refuse(code: PayloadRefusal['code'], message: string, data: PayloadRefusal['data']): DecodedPayload {
  return { error: { code, message, data } };
}

/**
 * Whether JSON text nests arrays/objects deeper than `limit`: one pass over the characters, outside strings,
 * stopping at the first level too deep. Run before `JSON.parse`, so nothing deep is ever built or walked.
 */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}
