import { startSimulator } from '@bluechip-ws/simulator';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Bridge, RPC_CODES } from '../src/index.js';
import { listenWebSocket, nodeHooks } from '../src/node.js';
import { buildCli, type Message, type RpcClient, schema, spawnStdio, wsClient } from './support.js';

// Issue 24, defects 1 to 3, through each carrier as a caller reaches it: the real `bluechip serve --stdio`
// process, and a WebSocket connection (text and binary messages). Each door gets the same storm: one typed
// answer per message, nothing of it on the terminal's wire, and the bridge serves on.

const TOKEN = 'test-token-0123456789abcdef';

beforeAll(() => buildCli(), 180_000);
afterAll(() => expect(schema.problems).toEqual([]));

interface Door {
  readonly client: RpcClient;
  /** Sends one message as these exact bytes (a line on stdio, a message on a WebSocket). */
  send(bytes: Buffer): void;
}

/** A simulator of this test's own; `wire` holds every frame it received. */
async function terminal(): Promise<{ url: string; wire: string[] }> {
  const sim = await startSimulator({ port: 0, eventDelayMs: 5 });
  onTestFinished(() => sim.close());
  const wire: string[] = [];
  sim.frames$.subscribe((record) => {
    if (record.direction === 'in') wire.push(record.text);
  });
  return { url: sim.url, wire };
}

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const utf8 = (text: string) => Buffer.from(text, 'utf8');

/**
 * Sends `bytes` and resolves with the first reply `match` accepts (registered before sending). The bound
 * only turns a lost reply into a failure instead of a hang on a loaded machine; it is no speed requirement.
 */
function answer(door: Door, bytes: Buffer, match: (m: Message) => boolean): Promise<Message> {
  const reply = door.client.next(match, 60_000);
  door.send(bytes);
  return reply;
}

/** Sale amounts on the terminal's wire, in order. */
function saleAmounts(wire: readonly string[]): number[] {
  return wire
    .map((text) => JSON.parse(text) as { request?: { resource?: { type?: string; amount?: unknown } } })
    .filter((frame) => frame.request?.resource?.type === 'sale')
    .map((frame) => Number(frame.request?.resource?.amount));
}

async function storm(door: Door): Promise<void> {
  const { url, wire } = await terminal();
  const { terminalId } = await door.client.call<{ terminalId: string }>('terminal.open', { url });
  const sale = (id: string, params: string) =>
    utf8(`{"jsonrpc":"2.0","id":"${id}","method":"sale","params":{"terminalId":"${terminalId}",${params}}}`);

  // Defect 1: a wrong-typed parameter nested 5000 deep (about 10 KB) is a -32602 naming the parameter.
  door.client.expect('deep', 'sale');
  const deep = await answer(door, sale('deep', `"amount":${nested(5000)}`), (m) => m.id === 'deep');
  expect(deep.error).toMatchObject({
    code: RPC_CODES.invalidParams,
    data: { code: 'invalid_params', path: 'params.amount' },
  });
  expect(deep.error?.message.length).toBeLessThan(200);

  // Defect 2: keys named like Object.prototype members are unknown fields.
  for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
    door.client.expect(name, 'sale');
    const refused = await answer(door, sale(name, `"amount":100,"${name}":"evil"`), (m) => m.id === name);
    expect(refused.error, name).toMatchObject({
      code: RPC_CODES.invalidParams,
      data: { code: 'invalid_params', path: `params.${name}` },
    });
  }

  // Defect 3: invalid UTF-8 inside a JSON string is refused (-32700), so two orders never become one key.
  const parseError = (m: Message) => m.id === null && m.error?.code === RPC_CODES.parseError;
  for (const [amount, byte] of [
    [101, 0xfc],
    [102, 0xe4],
  ] as const) {
    const bytes = Buffer.concat([
      sale(`latin-${amount}`, `"amount":${amount},"idempotencyKey":"order-M`).subarray(0, -2),
      Buffer.from([byte]),
      utf8('ller"}}'),
    ]);
    expect(bytes.includes(Buffer.from([byte, 0x6c, 0x6c]))).toBe(true);
    expect((await answer(door, bytes, parseError)).error?.data).toMatchObject({ code: 'parse_error' });
  }
  // The same two keys in UTF-8 are two orders, each charged once.
  const muller = await door.client.call('sale', { terminalId, amount: 103, idempotencyKey: 'order-Müller' });
  const maller = await door.client.call('sale', { terminalId, amount: 104, idempotencyKey: 'order-Mäller' });
  expect([muller, maller]).toMatchObject([{ kind: 'approved' }, { kind: 'approved' }]);
  expect(maller).not.toHaveProperty('replayed');

  // Oversize (over the 1 MiB default): one -32600 with no id, then the next message is read as usual.
  const tooLarge = (m: Message) => m.error?.data?.code === 'message_too_large';
  const big = await answer(door, sale('big', `"amount":1,"pad":"${'x'.repeat(1024 * 1024)}"`), tooLarge);
  expect(big).toMatchObject({ id: null, error: { code: RPC_CODES.invalidRequest } });

  // Nothing refused reached the terminal, and the bridge still serves (a refusal sent twice would have
  // arrived before this answer: each carrier answers refusals in order).
  expect(await door.client.call('rpc.discover')).toHaveProperty('openrpc');
  expect(saleAmounts(wire)).toEqual([103, 104]);
  expect(wire.some((text) => text.includes('evil'))).toBe(false);
  expect(door.client.others.filter(tooLarge)).toHaveLength(1);
  expect(door.client.others.filter(parseError)).toHaveLength(2);
}

describe('hostile messages through each carrier (issue 24, defects 1 to 3)', () => {
  it('stdio: the bluechip serve process answers each and stays up', async () => {
    const bridge = spawnStdio();
    const child = bridge.child;
    await storm({
      client: bridge.client,
      send: (bytes) => child.stdin?.write(Buffer.concat([bytes, utf8('\n')])),
    });
    expect(child.exitCode).toBeNull();
    child.stdin?.end();
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    expect(bridge.stderr()).not.toMatch(/RangeError|Maximum call stack/);
  }, 180_000);

  for (const binary of [false, true]) {
    it(`WebSocket ${binary ? 'binary' : 'text'} messages: each answered, the connection stays open`, async () => {
      const bridge = new Bridge({ hooks: nodeHooks });
      const carrier = await listenWebSocket(bridge, { port: 0, token: TOKEN });
      onTestFinished(async () => {
        await carrier.close();
        await bridge.close(2000);
      });
      const { client, ws } = await wsClient(carrier.url, { token: TOKEN });
      let closed = false;
      ws.on('close', () => {
        closed = true;
      });
      await storm({ client, send: (bytes) => ws.send(bytes, { binary }) });
      expect(closed).toBe(false);
      expect(bridge.connectionCount).toBe(1);
    }, 180_000);
  }
});
