import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  type Envelope,
  encodeEnvelope,
  encodeEventAck,
  encodeRequest,
  type FrameError,
  WireEnvelope,
} from '../src/index.js';
import * as F from './fixtures/frames.js';

function ok(frame: string | Uint8Array): Envelope {
  const result = decodeFrame(frame);
  if (isLeft(result)) throw new Error(`expected a decode, got ${result.left.kind}: ${result.left.message}`);
  return result.right;
}

function err(frame: string | Uint8Array, maxBytes?: number): FrameError {
  const result = decodeFrame(frame, maxBytes === undefined ? undefined : { maxBytes });
  if (isRight(result)) throw new Error('expected a decode error');
  return result.left;
}

describe('decodeFrame: golden frames of tsi-notes', () => {
  it('decodes the four envelopes of an approved sale', () => {
    expect(ok(F.SALE_REQUEST)).toEqual({
      kind: 'request',
      flow_id: '277554',
      resource: { type: 'sale', amount: 6417 },
    });
    expect(ok(F.STARTED)).toEqual({ kind: 'response', flow_id: '277554', resource: { status: 'started' } });
    const event = ok(F.SALE_APPROVED);
    expect(event.kind).toBe('event');
    expect(event.flow_id).toBe('277554');
    expect(event.resource.status).toBe('completed');
    expect(ok(F.SALE_ACK)).toEqual({ kind: 'event_ack', flow_id: '277554', resource: { status: 'ok' } });
  });

  it('keeps endpoint in single-endpoint mode', () => {
    expect(ok(F.SINGLE_REQUEST).endpoint).toBe('/tsi/v1/payment');
    expect(ok(F.SINGLE_ACK)).toEqual({
      kind: 'event_ack',
      flow_id: '109569',
      endpoint: '/tsi/v1/payment',
      resource: { status: 'ok' },
    });
  });

  it('decodes every other documented frame', () => {
    for (const frame of [
      F.EMULATOR_SALE,
      F.TERMINAL_INFO_REQUEST,
      F.TERMINAL_INFO_EVENT,
      F.TERMINAL_INFO_UNKNOWN_TAGS,
      F.SET_DATE_TIME_REQUEST,
      F.SET_DATE_TIME_EVENT,
      F.BUSY_RESPONSE,
      F.ERROR_EVENT,
      F.SETTLEMENT_PROCEED,
      F.SETTLEMENT_COMPLETED,
      F.TRACE_START,
    ]) {
      const envelope = ok(frame);
      expect(WireEnvelope.is(JSON.parse(frame))).toBe(true);
      expect(JSON.parse(encodeEnvelope(envelope))).toEqual(JSON.parse(frame));
    }
  });
});

describe('decodeFrame: error kinds', () => {
  it.each([
    ['not_json', '{"request":'],
    ['not_json', ''],
    ['not_object', '[1,2]'],
    ['not_object', '"text"'],
    ['not_object', 'null'],
    ['no_envelope', '{}'],
    ['no_envelope', '{"hello":{}}'],
    ['several_envelopes', '{"request":{"flow_id":"1","resource":{}},"event":{"flow_id":"1","resource":{}}}'],
    ['bad_envelope', '{"event":{"flow_id":"1","resource":{}},"extra":1}'],
    ['bad_envelope', '{"event":[1]}'],
    ['bad_flow_id', '{"event":{"resource":{}}}'],
    ['bad_flow_id', '{"event":{"flow_id":12,"resource":{}}}'],
    ['bad_flow_id', '{"event":{"flow_id":"","resource":{}}}'],
    ['bad_endpoint', '{"event":{"flow_id":"1","endpoint":5,"resource":{}}}'],
    ['bad_resource', '{"event":{"flow_id":"1"}}'],
    ['bad_resource', '{"event":{"flow_id":"1","resource":"ok"}}'],
  ] as const)('%s for %s', (kind, frame) => {
    expect(err(frame).kind).toBe(kind);
  });

  it('keeps the flow id of a frame whose resource is bad, so the core can attribute it', () => {
    expect(err('{"event":{"flow_id":"42","resource":7}}')).toMatchObject({
      kind: 'bad_resource',
      flow_id: '42',
      envelope: 'event',
    });
  });

  it('refuses binary frames and frames over the size limit', () => {
    expect(err(new Uint8Array([123, 125])).kind).toBe('binary_frame');
    expect(err(F.SALE_REQUEST, 20).kind).toBe('too_large');
    expect(err(`{"event":{"flow_id":"1","resource":{"t":"${'é'.repeat(40)}"}}}`, 80).kind).toBe('too_large');
    expect(isRight(decodeFrame(F.SALE_REQUEST, { maxBytes: F.SALE_REQUEST.length }))).toBe(true);
  });

  it('does not let __proto__ or constructor keys pollute anything', () => {
    const frame =
      '{"event":{"flow_id":"1","resource":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"status":"ok"}}}';
    const envelope = ok(frame);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(envelope.resource)).toBe(Object.prototype);
    // A __proto__ key beside the envelope is an extra top-level key like any other.
    expect(err('{"__proto__":{"x":1},"event":{"flow_id":"1","resource":{}}}').kind).toBe('bad_envelope');
  });
});

describe('encoders', () => {
  it('encodes acks with and without endpoint exactly as the tools do', () => {
    expect(encodeEventAck('277554')).toBe(F.SALE_ACK);
    expect(encodeEventAck('109569', '/tsi/v1/payment')).toBe(F.SINGLE_ACK);
    expect(encodeEventAck('a"b')).toBe('{"event_ack":{"flow_id":"a\\"b","resource":{"status":"ok"}}}');
  });

  it('round-trips requests through decode', () => {
    expect(encodeRequest('277554', { type: 'sale', amount: 6417 })).toBe(F.SALE_REQUEST);
    expect(encodeRequest('109569', { type: 'sale', amount: 100 }, '/tsi/v1/payment')).toBe(F.SINGLE_REQUEST);
  });

  it('property: decode ∘ encode is the identity on envelopes', () => {
    const envelope = fc.record(
      {
        kind: fc.constantFrom('request', 'response', 'event', 'event_ack'),
        flow_id: fc.string({ minLength: 1 }),
        endpoint: fc.string(),
        resource: fc.dictionary(
          fc.string().filter((k) => k !== '__proto__'),
          fc.jsonValue(),
        ),
      },
      { requiredKeys: ['kind', 'flow_id', 'resource'] },
    );
    fc.assert(
      fc.property(envelope, (e) => {
        const decoded = decodeFrame(encodeEnvelope(e as Envelope));
        expect(isRight(decoded) && JSON.stringify(decoded.right)).toBe(JSON.stringify(e));
      }),
    );
  });
});

describe('decodeFrame never throws', () => {
  it('property: any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => void decodeFrame(s)),
      { numRuns: 2000 },
    );
  });
  it('property: any JSON text', () => {
    fc.assert(
      fc.property(fc.json(), (s) => void decodeFrame(s)),
      { numRuns: 2000 },
    );
  });
  it('property: any byte array', () => {
    fc.assert(fc.property(fc.uint8Array(), (b) => isLeft(decodeFrame(b))));
  });
  it('property: envelope-shaped JSON with hostile values', () => {
    const inner = fc.dictionary(
      fc.constantFrom('flow_id', 'resource', 'endpoint', '__proto__', 'x'),
      fc.jsonValue(),
    );
    const frame = fc.dictionary(fc.constantFrom('request', 'response', 'event', 'event_ack', 'other'), inner);
    fc.assert(
      fc.property(frame, (f) => void decodeFrame(JSON.stringify(f))),
      { numRuns: 300 },
    );
  });
});
