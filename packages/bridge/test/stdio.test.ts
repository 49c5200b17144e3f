import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPC_CODES } from '../src/index.js';
import { buildCli, CLI, type RpcClient, schema, sleep, spawnStdio } from './support.js';

// The real command, `node packages/cli/dist/bin.js serve --stdio`, in a child process.
let sim: RunningSimulator;
let dir: string;
/** Sale requests the simulator received, by amount. */
const salesByAmount = new Map<number, number>();

beforeAll(async () => {
  buildCli();
  dir = await mkdtemp(join(tmpdir(), 'bluechip-bridge-'));
  sim = await startSimulator({ port: 0, eventDelayMs: 800 });
  sim.frames$.subscribe((record) => {
    if (record.direction !== 'in') return;
    const frame = JSON.parse(record.text) as { request?: { resource: { type?: string; amount?: unknown } } };
    const resource = frame.request?.resource;
    if (resource?.type === 'sale') {
      const amount = Number(resource.amount);
      salesByAmount.set(amount, (salesByAmount.get(amount) ?? 0) + 1);
    }
  });
}, 180_000);

afterAll(async () => {
  await sim?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  expect(schema.problems).toEqual([]);
});

// Each test spawns the built command: on a loaded machine a start alone may take seconds, so the bound is far
// above an idle run's; no test here measures speed.
describe('bluechip serve --stdio', { timeout: 120_000 }, () => {
  it('one JSON line (a batch) gives an approved sale from the built-in simulator; logs only on stderr', async () => {
    const bridge = spawnStdio();
    bridge.client.expect(1, 'terminal.open');
    bridge.client.expect(2, 'sale');
    bridge.write(
      `${JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'terminal.open', params: { simulator: true } },
        { jsonrpc: '2.0', id: 2, method: 'sale', params: { terminalId: 't1', amount: 1234 } },
      ])}\n`,
    );
    bridge.child.stdin?.end();
    const { code } = await bridge.exited;
    expect(code).toBe(0);
    const batch = bridge.client.others;
    expect(batch.map((m) => m.id)).toEqual([1, 2]);
    expect(batch[1]?.result).toMatchObject({ kind: 'approved', type: 'sale' });
    expect(bridge.stderr()).toMatch(/input closed/);
  });

  it('two lines, open then sale, without waiting in between', async () => {
    const bridge = spawnStdio();
    const opened = bridge.client.call('terminal.open', { simulator: { eventDelayMs: 10 } });
    const sale = bridge.client.call('sale', { terminalId: 't1', amount: 999 });
    expect(await opened).toMatchObject({ terminalId: 't1', journal: 'memory' });
    expect(await sale).toMatchObject({ kind: 'approved' });
    bridge.child.stdin?.end();
    expect((await bridge.exited).code).toBe(0);
  });

  it('bad lines get errors and the pipe keeps working: malformed, oversize, CRLF, invalid UTF-8', async () => {
    const bridge = spawnStdio(['--max-message-bytes', '1000']);
    bridge.write('{not json\n');
    bridge.write(
      `{"jsonrpc":"2.0","id":"big","method":"rpc.discover","params":{"pad":"${'x'.repeat(5000)}"}}\n`,
    );
    bridge.child.stdin?.write(Buffer.from([0xff, 0xfe, 0x0a]));
    bridge.write('\n\n');
    bridge.client.expect('crlf', 'rpc.discover');
    bridge.write('{"jsonrpc":"2.0","id":"crlf","method":"rpc.discover"}\r\n');
    const ok = await bridge.client.call('terminal.open', { simulator: true });
    expect(ok).toMatchObject({ terminalId: 't1' });
    const errors = bridge.client.others.filter((m) => m.error !== undefined).map((m) => m.error?.data?.code);
    expect(errors).toEqual(['parse_error', 'message_too_large', 'parse_error']);
    expect(bridge.client.others.find((m) => m.id === 'crlf')?.result).toHaveProperty('openrpc');
    bridge.child.stdin?.end();
    expect((await bridge.exited).code).toBe(0);
  });

  it('stdin closed mid-sale: the sale settles and is answered, then exit 0', async () => {
    const bridge = spawnStdio();
    await bridge.client.call('terminal.open', { simulator: { eventDelayMs: 400 } });
    const started = bridge.client.next((m) => m.method === 'flow.progress');
    const sale = bridge.client.request('sale', { terminalId: 't1', amount: 2222 });
    await started;
    bridge.child.stdin?.end();
    expect((await sale).result).toMatchObject({ kind: 'approved' });
    expect((await bridge.exited).code).toBe(0);
  });

  it('stdin closed with a flow that never ends: bounded by --drain-timeout, answered, exit 0', async () => {
    const bridge = spawnStdio(['--drain-timeout', '1']);
    await bridge.client.call('terminal.open', { simulator: { eventDelayMs: 10 } });
    const started = bridge.client.next((m) => m.method === 'flow.progress');
    // 2.04: the simulator never answers.
    const sale = bridge.client.request('sale', { terminalId: 't1', amount: 204 });
    await started;
    bridge.child.stdin?.end();
    const response = await sale;
    expect(response.error).toMatchObject({ code: RPC_CODES.outcomeUnknown, data: { outcomeUnknown: true } });
    expect((await bridge.exited).code).toBe(0);
  });
});

describe('kill -9, with a file journal', { timeout: 120_000 }, () => {
  it('of the caller mid-sale: the bridge finishes and journals the sale; outcome.get and a retry return it', async () => {
    const journalDir = join(dir, 'caller-killed');
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('./fixtures/binding-child.mjs', import.meta.url)),
        CLI,
        sim.url,
        journalDir,
        'order-77',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines = await killWhen(child, /^started /);
    const bridgePid = Number(/bridge (\d+)/.exec(lines.join('\n'))?.[1]);
    expect(bridgePid).toBeGreaterThan(0);
    // The orphaned bridge sees stdin close, lets the sale settle, closes the journal and exits.
    await waitUntilGone(bridgePid);
    const next = spawnStdio();
    const opened = await next.client.call('terminal.open', { url: sim.url, journalDir, terminalId: 'pos' });
    expect(opened).not.toHaveProperty('reconciled'); // nothing was left open
    const record = await next.client.call('outcome.get', { terminalId: 'pos', idempotencyKey: 'order-77' });
    expect(record).toMatchObject({ state: 'completed', outcome: { kind: 'approved' } });
    const retry = await next.client.call('sale', {
      terminalId: 'pos',
      amount: 4711,
      idempotencyKey: 'order-77',
    });
    expect(retry).toMatchObject({ kind: 'approved', replayed: true });
    expect(salesByAmount.get(4711)).toBe(1);
    next.child.stdin?.end();
    expect((await next.exited).code).toBe(0);
  });

  it('of the bridge mid-sale: the next bridge reconciles on open; outcome.get and a retry return the sale', async () => {
    const journalDir = join(dir, 'bridge-killed');
    const first = spawnStdio();
    await first.client.call('terminal.open', {
      url: sim.url,
      journalDir,
      terminalId: 'pos',
      reconnect: false,
    });
    const started = first.client.next((m) => m.method === 'flow.progress');
    void first.client.request('sale', { terminalId: 'pos', amount: 5150, idempotencyKey: 'order-88' });
    await started;
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await simulatorIdle();
    const next = spawnStdio();
    const opened = await next.client.call<{
      reconciled?: { flows: { verdict: string; idempotencyKey?: string }[] };
    }>('terminal.open', { url: sim.url, journalDir, terminalId: 'pos' });
    expect(opened.reconciled?.flows).toMatchObject([{ verdict: 'recovered', idempotencyKey: 'order-88' }]);
    const record = await next.client.call('outcome.get', { terminalId: 'pos', idempotencyKey: 'order-88' });
    expect(record).toMatchObject({ state: 'recovered', outcome: { kind: 'approved' } });
    const retry = await next.client.call('sale', {
      terminalId: 'pos',
      amount: 5150,
      idempotencyKey: 'order-88',
    });
    expect(retry).toMatchObject({ kind: 'approved', replayed: true });
    expect(salesByAmount.get(5150)).toBe(1);
    next.child.stdin?.end();
    expect((await next.exited).code).toBe(0);
  });
});

/** Reads the child's stdout lines; SIGKILLs it at the first line matching `pattern`. */
function killWhen(child: ChildProcess, pattern: RegExp): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let buffered = '';
    let stderr = '';
    // A bound, not a speed requirement: on a loaded machine the child's start alone may take seconds.
    const bound = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (pattern.test(line)) child.kill('SIGKILL');
      }
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(bound);
      if (signal === 'SIGKILL' && lines.some((l) => pattern.test(l))) resolve(lines);
      else reject(new Error(`the caller was not killed mid-sale: ${lines.join(' | ')} ${stderr}`));
    });
  });
}

async function waitUntilGone(pid: number): Promise<void> {
  // The orphan is no child of ours (no exit event to wait for): polled, bounded far above an idle run's second.
  for (let i = 0; i < 1800; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(50);
  }
  process.kill(pid, 'SIGKILL');
  throw new Error(`bridge ${pid} did not exit after its caller died`);
}

/** Waits until the simulator noticed the dead bridge (it records the cut sale then). */
async function simulatorIdle(): Promise<void> {
  // Polled (the simulator has no idle event), bounded far above an idle run's wait.
  for (let i = 0; i < 3600 && (sim.engine.busy || sim.snapshot().connections > 0); i++) await sleep(25);
}

export type { RpcClient };
