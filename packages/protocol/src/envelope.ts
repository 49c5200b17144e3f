import * as t from 'io-ts';
import { isJsonObject, type JsonObject } from './json.js';

export const ENVELOPE_KINDS = ['request', 'response', 'event', 'event_ack'] as const;
export type EnvelopeKind = (typeof ENVELOPE_KINDS)[number];

/** A decoded frame, flattened: which of the four envelopes it was, and its inner object. */
export interface Envelope {
  readonly kind: EnvelopeKind;
  readonly flow_id: string;
  /** Present in single-endpoint mode (docs/protocol.md). */
  readonly endpoint?: string;
  readonly resource: JsonObject;
}

/** A JSON object, as an io-ts codec. */
export const JsonObjectC = new t.Type<JsonObject, JsonObject, unknown>(
  'JsonObject',
  isJsonObject,
  (u, c) => (isJsonObject(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** The inner object shared by all four envelopes: `{flow_id, endpoint?, resource}`. */
export const EnvelopeInner = t.intersection([
  t.type({ flow_id: t.string, resource: JsonObjectC }),
  t.partial({ endpoint: t.string }),
]);
export type EnvelopeInner = t.TypeOf<typeof EnvelopeInner>;

export const RequestEnvelope = t.strict({ request: EnvelopeInner }, 'RequestEnvelope');
export const ResponseEnvelope = t.strict({ response: EnvelopeInner }, 'ResponseEnvelope');
export const EventEnvelope = t.strict({ event: EnvelopeInner }, 'EventEnvelope');
export const EventAckEnvelope = t.strict({ event_ack: EnvelopeInner }, 'EventAckEnvelope');

/** The wire form: exactly one of the four top-level keys. */
export const WireEnvelope = t.union([RequestEnvelope, ResponseEnvelope, EventEnvelope, EventAckEnvelope]);
export type WireEnvelope = t.TypeOf<typeof WireEnvelope>;
