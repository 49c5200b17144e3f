import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { createInbox } from '@nats-io/nats-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSubject } from '../src/index.js';
import type { Agent } from '../src/node.js';
import { decodeRequestPayload, MAX_REQUEST_BYTES, MAX_REQUEST_DEPTH } from '../src/request-payload.js';
import { freePort, singleServer, startNatsServer } from './nats-server.js';
import { hasNatsServer, natsClient, simulated, startAgent } from './support.js';

const encode = (text: string) => new TextEncoder().encode(text);
const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

/** Hostile NATS request payloads (issue 24, defects 1 and 3, agent side): bytes, not only JSON. */
const payloads: fc.Arbitrary<Uint8Array> = fc.oneof(
  // Any JSON, most of it not a params object.
  fc.json({ maxDepth: 6 }).map(encode),
  // Params objects with prototype-named and other keys, values of every JSON type.
  fc
    .dictionary(
      fc.oneof(
        fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'amount', 'idempotencyKey'),
        fc.string({ maxLength: 12 }),
      ),
      fc.jsonValue({ maxDepth: 3 }),
      { maxKeys: 6 },
    )
    .map((params) => encode(JSON.stringify(params))),
  // Deep nesting, inside a params object and bare, around and over the limit.
  fc
    .tuple(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 4000, max: 8000 })), fc.boolean())
    .map(([depth, inParams]) => encode(inParams ? `{"amount":${nested(depth)}}` : nested(depth))),
  // Valid JSON text with bytes that are not UTF-8 spliced into a string.
  fc
    .tuple(
      fc.string({ maxLength: 20 }),
      fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => b.map((x) => x | 0x80)),
    )
    .map(([text, bad]) => {
      const head = encode(`{"idempotencyKey":"order-${text.replace(/["\\]/g, '')}`);
      return Uint8Array.from([...head, ...bad, ...encode('","amount":100}')]);
    }),
  // Arbitrary bytes.
  fc.uint8Array({ maxLength: 64 }),
  // Huge strings and numbers.
  fc
    .tuple(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom('amount', 'idempotencyKey', 'note'))
    .map(([n, key]) => encode(`{"${key}":"${'x'.repeat(n)}"}`)),
  fc.constantFrom(
    encode('{"amount":1e400}'),
    encode(`{"amount":${'9'.repeat(5000)}}`),
    encode('{"amount":-0.0000000001}'),
  ),
);

describe('the agent door: decoding a NATS request payload', () => {
  it('every payload decodes to a params object or one typed refusal, never a throw (property)', () => {
    fc.assert(
      fc.property(payloads, (bytes) => {
        const decoded = decodeRequestPayload(bytes);
        if ('params' in decoded) {
          expect(typeof decoded.params).toBe('object');
          expect(Array.isArray(decoded.params)).toBe(false);
        } else {
          expect([-32700, -32600, -32602]).toContain(decoded.error.code);
          expect(typeof decoded.error.data.code).toBe('string');
          expect(decoded.error.message.length).toBeLessThan(400);
        }
      }),
      { seed: 2424, numRuns: 400 },
    );
  });

  it('invalid UTF-8 is refused, never replaced: two different orders never become one key', () => {
    const muller = Uint8Array.from([...encode('{"idempotencyKey":"order-M'), 0xfc, ...encode('ller"}')]);
    const maller = Uint8Array.from([...encode('{"idempotencyKey":"order-M'), 0xe4, ...encode('ller"}')]);
    for (const bytes of [muller, maller]) {
      expect(decodeRequestPayload(bytes)).toMatchObject({
        error: { code: -32700, data: { code: 'parse_error', reason: 'invalid_utf8' } },
      });
    }
    expect(decodeRequestPayload(encode('{"idempotencyKey":"order-Müller"}'))).toEqual({
      params: { idempotencyKey: 'order-Müller' },
    });
  });

  it('nesting, size and shape limits', () => {
    expect(decodeRequestPayload(encode(`{"a":${nested(MAX_REQUEST_DEPTH - 1)}}`))).toHaveProperty('params');
    expect(decodeRequestPayload(encode(`{"a":${nested(MAX_REQUEST_DEPTH)}}`))).toMatchObject({
      error: {
        code: -32602,
        data: { code: 'invalid_params', reason: 'too_deep', path: 'params', maxDepth: MAX_REQUEST_DEPTH },
      },
    });
    // Brackets inside strings are text, not nesting.
    expect(decodeRequestPayload(encode(`{"a":"${'['.repeat(5000)}\\"]"}`))).toHaveProperty('params');
    expect(decodeRequestPayload(new Uint8Array(MAX_REQUEST_BYTES + 1))).toMatchObject({
      error: { code: -32600, data: { reason: 'too_large', maxBytes: MAX_REQUEST_BYTES } },
    });
    expect(decodeRequestPayload(new Uint8Array())).toEqual({ params: {} });
    expect(decodeRequestPayload(encode('[1]'))).toMatchObject({ error: { code: -32602 } });
    const proto = decodeRequestPayload(encode('{"__proto__":{"polluted":1}}'));
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
    expect('params' in proto && Object.hasOwn(proto.params, '__proto__')).toBe(true);
  });
});

const isUtf8 = (bytes: Uint8Array) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

const unanswered = (ms: number) =>
  new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`no reply in ${ms} ms`)), ms).unref());

describe.skipIf(!hasNatsServer())('the agent door over a real nats-server', () => {
  let server: Awaited<ReturnType<typeof singleServer>>;
  let agent: Agent;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await singleServer();
    agent = await startAgent(server.url, { site: 'door', terminals: [simulated('lane1')] });
    nc = await natsClient(server.url);
  }, 30_000);

  afterAll(async () => {
    await nc?.close();
    await agent?.close();
    await server?.close();
  });

  /** Publishes one request and collects every reply on its own inbox. */
  function send(method: string, payload: Uint8Array): { replies: unknown[]; first: Promise<unknown> } {
    const replies: unknown[] = [];
    const inbox = createInbox();
    let resolveFirst: (value: unknown) => void = () => undefined;
    const first = new Promise((resolve) => {
      resolveFirst = resolve;
    });
    nc.subscribe(inbox, {
      max: 2,
      callback: (_error, msg) => {
        const text = new TextDecoder().decode(msg.data);
        replies.push(JSON.parse(text));
        resolveFirst(replies[0]);
      },
    });
    nc.publish(requestSubject('door', 'lane1', method), payload, { reply: inbox });
    return { replies, first };
  }

  it('rpc.discover, the one method without a terminal, is served (the subject names no terminal for it)', async () => {
    const answer = await nc.request(requestSubject('door', 'lane1', 'rpc.discover'), '');
    expect(answer.json()).toMatchObject({ result: { openrpc: expect.any(String) } });
  });

  it('a 5000-deep value and invalid UTF-8 each get one typed reply, and the agent serves on', async () => {
    const deep = send('sale', encode(`{"amount":${nested(5000)}}`));
    expect(await deep.first).toMatchObject({ error: { code: -32602, data: { reason: 'too_deep' } } });
    const bad = send(
      'sale',
      Uint8Array.from([...encode('{"amount":100,"idempotencyKey":"order-M'), 0xfc, 0x22, 0x7d]),
    );
    expect(await bad.first).toMatchObject({ error: { code: -32700, data: { reason: 'invalid_utf8' } } });
    const status = await nc.request(requestSubject('door', 'lane1', 'terminal.status'), '');
    expect(status.json()).toHaveProperty('result');
  });

  it('every hostile payload gets exactly one typed JSON-RPC reply; the agent stays up (property)', async () => {
    const sent: { replies: unknown[] }[] = [];
    await fc.assert(
      fc.asyncProperty(
        payloads,
        fc.constantFrom('sale', 'refund', 'outcome.get', 'terminal.status', 'resolveFlow', 'no.such'),
        async (payload, method) => {
          const request = send(method, payload);
          sent.push(request);
          // A liveness bound, not a speed check: a request never answered fails here, not at the suite's end.
          const reply = (await Promise.race([request.first, unanswered(20_000)])) as {
            jsonrpc?: string;
            error?: { code?: unknown; data?: unknown };
          };
          expect(reply.jsonrpc).toBe('2.0');
          if (!isUtf8(payload)) expect(reply.error?.code).toBe(-32700);
          if (reply.error !== undefined) {
            expect(typeof reply.error.code).toBe('number');
          } else {
            expect(reply).toHaveProperty('result');
          }
        },
      ),
      { seed: 24, numRuns: 60 },
    );
    // Let anything late arrive: the agent has nothing in flight, then a round trip through the server.
    const lane = await nc.request(requestSubject('door', 'lane1', 'terminal.status'), '');
    expect(lane.json()).toHaveProperty('result');
    await nc.flush();
    expect(sent.map((s) => s.replies.length)).toEqual(sent.map(() => 1));
  }, 120_000);

  // Issue 24, defect 12: nothing is retained per bad request. What used to be (a bridge connection left in
  // the bridge's set, holding the request's params) is counted, not RSS.
  it('bursts of hostile requests, 900 KB ones included, leave no bridge connection or call behind', async () => {
    const baseline = agent.bridge.connectionCount;
    const big = encode(`{"amount":${nested(20)},"note":"${'x'.repeat(900_000)}"}`);
    const bigDeep = encode(`{"amount":${nested(6000)},"note":"${'x'.repeat(880_000)}"}`);
    const small = [
      encode(`{"amount":${nested(5000)}}`),
      Uint8Array.from([...encode('{"amount":1,"idempotencyKey":"k-'), 0xff, ...encode('"}')]),
      encode('{"amount":"12","constructor":"x"}'),
      encode('{"toString":"evil","amount":100}'),
      encode('not json'),
    ];
    for (let burst = 0; burst < 4; burst++) {
      const requests = [
        ...Array.from({ length: 10 }, (_, i) => send('sale', i % 2 === 0 ? big : bigDeep)),
        ...Array.from({ length: 100 }, (_, i) =>
          send(i % 3 === 0 ? 'refund' : 'sale', small[i % small.length] as Uint8Array),
        ),
      ];
      const replies = (await Promise.all(
        requests.map((r) => Promise.race([r.first, unanswered(60_000)])),
      )) as {
        error?: { code: number };
      }[];
      // Typed, each one (prototype-named keys are the bridge's decoder's to refuse: see docs/bridge.md).
      expect(replies.every((reply) => typeof reply.error?.code === 'number' || 'result' in reply)).toBe(true);
      expect(agent.bridge.connectionCount).toBe(baseline);
      expect(agent.bridge.runningCalls).toBe(0);
    }
  }, 120_000);
});

describe.skipIf(!hasNatsServer())('an answer NATS refuses to carry', () => {
  it('is followed by one typed -32603 instead of no reply at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bluechip-small-payload-'));
    const server = await startNatsServer({
      name: 'small',
      dir,
      port: await freePort(),
      extra: 'max_payload: 4096',
    });
    const agent = await startAgent(server.url, { site: 'door', terminals: [simulated('lane1')] });
    const nc = await natsClient(server.url);
    try {
      // The method table's OpenRPC document is far over 4 KB.
      const answer = await nc.request(requestSubject('door', 'lane1', 'rpc.discover'), '', {
        timeout: 30_000,
      });
      expect(answer.json()).toMatchObject({ error: { code: -32603, data: { code: 'internal_error' } } });
    } finally {
      await nc.close();
      await agent.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
