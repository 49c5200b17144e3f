import type { Envelope, EnvelopeKind } from './envelope.js';
import type { JsonObject } from './json.js';

/** Serializes an envelope to its wire form. `endpoint` is written only when given. */
export function encodeEnvelope(envelope: Envelope): string {
  return encode(envelope.kind, envelope.flow_id, envelope.resource, envelope.endpoint);
}

export function encodeRequest(flow_id: string, resource: JsonObject, endpoint?: string): string {
  return encode('request', flow_id, resource, endpoint);
}

export function encodeResponse(flow_id: string, resource: JsonObject, endpoint?: string): string {
  return encode('response', flow_id, resource, endpoint);
}

export function encodeEvent(flow_id: string, resource: JsonObject, endpoint?: string): string {
  return encode('event', flow_id, resource, endpoint);
}

/**
 * `{"event_ack":{"flow_id":…,"endpoint"?:…,"resource":{"status":"ok"}}}`. Built by hand: it is on the hot
 * path, and only the two strings need escaping.
 */
export function encodeEventAck(flow_id: string, endpoint?: string): string {
  const id = JSON.stringify(flow_id);
  return endpoint === undefined
    ? `{"event_ack":{"flow_id":${id},"resource":{"status":"ok"}}}`
    : `{"event_ack":{"flow_id":${id},"endpoint":${JSON.stringify(endpoint)},"resource":{"status":"ok"}}}`;
}

function encode(kind: EnvelopeKind, flow_id: string, resource: JsonObject, endpoint?: string): string {
  const inner = endpoint === undefined ? { flow_id, resource } : { flow_id, endpoint, resource };
  return JSON.stringify({ [kind]: inner });
}
