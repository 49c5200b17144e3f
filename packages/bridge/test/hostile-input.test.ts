import { startSimulator } from '@bluechip-ws/simulator';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { Bridge, RPC_CODES } from '../src/index.js';
import { checkMessage } from '../src/message-check.js';
import { nodeHooks } from '../src/node.js';
import { decodeParams } from '../src/schema/decode.js';
import { OPERATION_PARAMS } from '../src/schema/params.js';
import { type Message, RpcClient, schema } from './support.js';

// Issue 24, defects 1 to 3, at the dispatcher (both carriers feed it): input an attacker shaped gets one typed
// answer, nothing of it reaches the terminal, and the bridge goes on serving.

afterAll(() => expect(schema.problems).toEqual([]));

/** A simulator of this test's own, open on `client`'s bridge; `wire` holds every frame it received. */
async function terminal(client: RpcClient): Promise<{ terminalId: string; wire: string[] }> {
  const sim = await startSimulator({ port: 0, eventDelayMs: 5 });
  onTestFinished(() => sim.close());
  const wire: string[] = [];
  sim.frames$.subscribe((record) => {
    if (record.direction === 'in') wire.push(record.text);
  });
  const { terminalId } = await client.call<{ terminalId: string }>('terminal.open', { url: sim.url });
  return { terminalId, wire };
}

/**
 * A bridge with one caller; `text` and `bytes` feed its connection as a carrier would and resolve with the
 * next reply (a response or a batch of them; notifications are skipped).
 */
function caller() {
  const bridge = new Bridge({ hooks: nodeHooks });
  let client: RpcClient;
  const waiting: ((reply: Message) => void)[] = [];
  const connection = bridge.connect({
    send: (text) =>
      queueMicrotask(() => {
        client.receive(text);
        const value = JSON.parse(text) as Message | Message[];
        // A batch's replies come as one array: it is handed over as one reply.
        if (Array.isArray(value) || value.method === undefined) waiting.shift()?.(value as Message);
      }),
  });
  client = new RpcClient((text) => connection.receive(text));
  onTestFinished(() => bridge.close(2000));
  const reply = () => new Promise<Message>((resolve) => waiting.push(resolve));
  return {
    client,
    text: (text: string) => {
      const answer = reply();
      connection.receive(text);
      return answer;
    },
    bytes: (bytes: Uint8Array) => {
      const answer = reply();
      connection.receiveBytes(bytes);
      return answer;
    },
  };
}

const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
const sales = (wire: readonly string[]) => wire.filter((text) => text.includes('"sale"')).length;

describe('defect 1: deep nesting', () => {
  it('a wrong-typed param nested 5000 deep gets -32602 from the decoder, whose message stays short', () => {
    const amount = JSON.parse(nested(5000));
    const decoded = decodeParams(OPERATION_PARAMS.sale, { terminalId: 't1', amount });
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.path).toBe('params.amount');
    expect(decoded.message.length).toBeLessThan(200);
  });

  it('a param nested past the limit is refused at the door (-32602 naming the param), and the bridge serves on', async () => {
    const { client, text } = caller();
    client.expect(1, 'sale');
    const line = `{"jsonrpc":"2.0","id":1,"method":"sale","params":{"terminalId":"t1","amount":${nested(5000)}}}`;
    expect(line.length).toBeGreaterThan(10_000);
    const refused = await text(line);
    expect(refused).toMatchObject({
      id: 1,
      error: {
        code: RPC_CODES.invalidParams,
        data: { code: 'invalid_params', path: 'params.amount', maxDepth: 64 },
      },
    });
    // Nested past the limit outside the params, it is the message that is refused (-32600).
    client.expect(2, 'sale');
    expect(await text(`{"jsonrpc":"2.0","id":2,"method":"sale","extra":${nested(100)}}`)).toMatchObject({
      id: 2,
      error: { code: RPC_CODES.invalidRequest, data: { code: 'invalid_request', maxDepth: 64 } },
    });
    expect(await client.call('rpc.discover')).toHaveProperty('openrpc');
  });

  it('the limit: 64 levels pass the door, 65 do not; a batch is checked element by element', async () => {
    expect(checkMessage(JSON.parse(nested(64)))).toEqual({ ok: true });
    expect(checkMessage(JSON.parse(nested(65)))).toMatchObject({ ok: false, problem: 'too_deep' });
    expect(checkMessage({ a: [1] }, 2)).toEqual({ ok: true });
    expect(checkMessage({ a: [[1]] }, 2)).toMatchObject({ ok: false });
    const { client, text } = caller();
    client.expect('ok', 'rpc.discover');
    const batch = (await text(
      `[{"jsonrpc":"2.0","id":"deep","method":"rpc.discover","params":${nested(80, '{}')}},` +
        `{"jsonrpc":"2.0","method":"rpc.discover","params":${nested(80, '{}')}},` +
        '{"jsonrpc":"2.0","id":"ok","method":"rpc.discover"}]',
    )) as unknown as Message[];
    expect(batch.map((m) => [m.id, m.error?.code ?? 'ok'])).toEqual([
      ['deep', RPC_CODES.invalidParams],
      ['ok', 'ok'],
    ]);
  });

  it('a deep raw resource never reaches the terminal', async () => {
    const { client, text } = caller();
    const { terminalId, wire } = await terminal(client);
    const before = wire.length;
    const refused = await text(
      `{"jsonrpc":"2.0","id":2,"method":"request","params":{"terminalId":"${terminalId}","resource":{"x":${nested(5000)}}}}`,
    );
    expect(refused.error).toMatchObject({
      code: RPC_CODES.invalidParams,
      data: { path: 'params.resource' },
    });
    expect(wire.length).toBe(before);
  });
});

describe('defect 2: keys named like Object.prototype members', () => {
  it('are unknown fields (-32602), at the top and nested, and nothing reaches the terminal', async () => {
    const { client, text } = caller();
    const { terminalId, wire } = await terminal(client);
    const names = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', 'isPrototypeOf'];
    let id = 0;
    for (const name of names) {
      for (const [params, path] of [
        [`{"terminalId":"${terminalId}","amount":100,"${name}":"evil"}`, `params.${name}`],
        [
          `{"terminalId":"${terminalId}","amount":100,"purchaseLevel2":{"${name}":"evil"}}`,
          `params.purchaseLevel2.${name}`,
        ],
      ] as const) {
        id++;
        client.expect(id, 'sale');
        const answer = await text(`{"jsonrpc":"2.0","id":${id},"method":"sale","params":${params}}`);
        expect(answer, params).toMatchObject({
          id,
          error: { code: RPC_CODES.invalidParams, data: { code: 'invalid_params', path } },
        });
      }
    }
    // An enum value or a method named like a prototype member is no match either.
    const tender = await text(
      `{"jsonrpc":"2.0","id":"tt","method":"sale","params":{"terminalId":"${terminalId}","amount":100,"tenderType":"constructor"}}`,
    );
    expect(tender.error?.data).toMatchObject({ code: 'invalid_params', path: 'params.tenderType' });
    for (const method of ['constructor', '__proto__', 'toString']) {
      const answer = await text(`{"jsonrpc":"2.0","id":"m","method":"${method}","params":{}}`);
      expect(answer.error?.code).toBe(RPC_CODES.methodNotFound);
    }
    expect(sales(wire)).toBe(0);
    expect(wire.some((text) => /evil|to_string|has_own_property/.test(text))).toBe(false);
    // And a good sale still runs.
    expect(await client.call('sale', { terminalId, amount: 100 })).toMatchObject({ kind: 'approved' });
    expect(sales(wire)).toBe(1);
  });
});

describe('defect 3: text that is not UTF-8', () => {
  const named = (name: number[]) =>
    Buffer.concat([
      Buffer.from('{"jsonrpc":"2.0","id":7,"method":"order-M'),
      Buffer.from(name),
      Buffer.from('ller"}'),
    ]);

  it('invalid UTF-8 bytes are refused (-32700), never replaced with U+FFFD', async () => {
    const { client, bytes } = caller();
    for (const bad of [[0xfc], [0xe4], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
      const answer = await bytes(named(bad));
      expect(answer, String(bad)).toMatchObject({ id: null, error: { code: RPC_CODES.parseError } });
    }
    // The same message with a well-formed ü is read: an unknown method, answered with its id.
    client.expect(7, 'order-Müller');
    const read = await bytes(named([0xc3, 0xbc]));
    expect(read).toMatchObject({ id: 7, error: { code: RPC_CODES.methodNotFound } });
    expect(read.error?.message).toContain('order-Müller');
  });

  it('a lone surrogate escape in a string is refused before it can reach the terminal', async () => {
    const { client, text } = caller();
    const { terminalId, wire } = await terminal(client);
    const sale = (key: string) =>
      text(
        `{"jsonrpc":"2.0","id":"s","method":"sale","params":{"terminalId":"${terminalId}","amount":100,"idempotencyKey":"${key}"}}`,
      );
    for (const key of ['order-\\ud800', 'order-\\udc00x', '\\ud83d']) {
      expect((await sale(key)).error, key).toMatchObject({
        code: RPC_CODES.invalidParams,
        data: { code: 'invalid_params', path: 'params.idempotencyKey' },
      });
    }
    const inKey = await text(
      `{"jsonrpc":"2.0","id":"k","method":"sale","params":{"terminalId":"${terminalId}","amount":100,"purchaseLevel2":{"\\udfff":"1"}}}`,
    );
    expect(inKey.error?.data).toMatchObject({ code: 'invalid_params', path: 'params.purchaseLevel2' });
    const inMethod = await text('{"jsonrpc":"2.0","id":"m","method":"sale\\ud800"}');
    expect(inMethod).toMatchObject({ id: 'm', error: { code: RPC_CODES.invalidRequest } });
    expect(sales(wire)).toBe(0);
    // A well-formed pair (an emoji) is text like any other.
    expect(await sale('order-\\ud83d\\ude00')).toMatchObject({ result: { kind: 'approved' } });
  });
});
