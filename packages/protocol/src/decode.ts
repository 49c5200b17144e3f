import { type Either, left, right } from '#fp-ts/Either';
import { ENVELOPE_KINDS, type Envelope, type EnvelopeKind } from './envelope.js';
import { type FrameError, frameError } from './frame-error.js';
import { isJsonObject } from './json.js';

export interface DecodeOptions {
  /** Largest accepted frame in UTF-8 bytes. Default 1 MiB. */
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

const kinds: ReadonlySet<string> = new Set(ENVELOPE_KINDS);

/**
 * Turns one WebSocket message into an envelope or a typed error. Never throws: every input, however hostile,
 * maps to a `FrameError`. JSON.parse makes `__proto__` an own data property, and nothing here merges
 * objects, so such keys stay inert.
 */
export function decodeFrame(
  data: string | Uint8Array,
  options?: DecodeOptions,
): Either<FrameError, Envelope> {
  if (typeof data !== 'string') {
    return left(
      frameError('binary_frame', `binary frame of ${byteLength(data)} bytes; TSI uses text frames`),
    );
  }
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (data.length > maxBytes || (data.length * 3 > maxBytes && utf8Length(data) > maxBytes)) {
    return left(frameError('too_large', `frame larger than ${maxBytes} bytes`));
  }
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (cause) {
    return left(frameError('not_json', `not JSON: ${(cause as Error).message}`));
  }
  return envelopeFromJson(value);
}

/** Validates an already-parsed JSON value as one of the four envelopes. */
export function envelopeFromJson(value: unknown): Either<FrameError, Envelope> {
  if (!isJsonObject(value)) {
    return left(frameError('not_object', `expected a JSON object, got ${describe(value)}`));
  }
  let kind: EnvelopeKind | undefined;
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    count++;
    if (kinds.has(key)) {
      if (kind !== undefined) {
        return left(frameError('several_envelopes', `frame has both "${kind}" and "${key}"`));
      }
      kind = key as EnvelopeKind;
    }
  }
  if (kind === undefined) {
    return left(
      frameError('no_envelope', count === 0 ? 'empty object' : 'no request/response/event/event_ack key'),
    );
  }
  if (count > 1) {
    return left(frameError('bad_envelope', `"${kind}" frame has other top-level keys`, kind));
  }
  const inner = value[kind];
  if (!isJsonObject(inner)) {
    return left(frameError('bad_envelope', `"${kind}" must be an object, got ${describe(inner)}`, kind));
  }
  const flowId = Object.hasOwn(inner, 'flow_id') ? inner.flow_id : undefined;
  if (typeof flowId !== 'string' || flowId.length === 0) {
    return left(
      frameError(
        'bad_flow_id',
        flowId === undefined ? `"${kind}" has no flow_id` : `flow_id must be a non-empty string`,
        kind,
      ),
    );
  }
  const endpoint = Object.hasOwn(inner, 'endpoint') ? inner.endpoint : undefined;
  if (endpoint !== undefined && typeof endpoint !== 'string') {
    return left(frameError('bad_endpoint', 'endpoint must be a string', kind, flowId));
  }
  const resource = Object.hasOwn(inner, 'resource') ? inner.resource : undefined;
  if (!isJsonObject(resource)) {
    return left(
      frameError(
        'bad_resource',
        resource === undefined ? `"${kind}" has no resource` : `resource must be an object`,
        kind,
        flowId,
      ),
    );
  }
  return right(
    endpoint === undefined
      ? { kind, flow_id: flowId, resource }
      : { kind, flow_id: flowId, endpoint, resource },
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function byteLength(data: Uint8Array | ArrayBuffer): number {
  return data.byteLength;
}

/** UTF-8 length without allocating (TextEncoder would copy the whole frame). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
