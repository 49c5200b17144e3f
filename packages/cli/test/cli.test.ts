import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileJournal } from '@bluechip-ws/journal-file';
import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, bluechip, buildCli, simulateChild } from './support.js';

/**
 * End to end: the built CLI as a child process against simulators in this process on 127.0.0.1:0. One
 * simulator serves the command tests in order (the batch carries references from one command to the next).
 */
let sim: RunningSimulator;
let busySim: RunningSimulator;
const t = () => ['--terminal', sim.url];

beforeAll(async () => {
  buildCli();
  sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 5 });
  busySim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    eventDelayMs: 5,
    scenario: { rules: [{ reject: 'TSI busy' }] },
  });
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await busySim?.close();
});

describe('bluechip commands (built CLI, child processes)', () => {
  it('help, no command, unknown command', async () => {
    const help = await bluechip(['help']);
    expect(help.code).toBe(0);
    for (const name of ['demo', 'simulate', 'sale', 'tip-adjust', 'report', 'raw', 'Exit codes']) {
      expect(help.stdout).toContain(name);
    }
    const none = await bluechip([]);
    expect(none.code).toBe(1);
    const unknown = await bluechip(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const saleHelp = await bluechip(['sale', '--help']);
    expect(saleHelp.code).toBe(0);
    expect(saleHelp.stdout).toContain('--amount');
  });

  it('sale --json prints exactly one JSON object; tip-adjust and void use its reference', async () => {
    const sale = await bluechip(['sale', '--amount', '12.34', '--tip', '1.00', '--json', ...t()]);
    expect(sale.code).toBe(0);
    const json = sale.json();
    expect(Object.keys(json).slice(0, 4)).toEqual(['flow_id', 'outcome', 'status', 'result']);
    expect(json).toMatchObject({
      outcome: 'approved',
      status: 'completed',
      result: { type: 'sale', status: 'approved', transaction_amount: '1234', tip_amount: '100' },
    });
    expect(json.flow_id).toMatch(/^\d{6}$/);
    const ref = (json.result as { reference_no: string }).reference_no;

    const tip = await bluechip(['tip-adjust', '--reference', ref, '--tip', '2.50', '--json', ...t()]);
    expect(tip.code).toBe(0);
    expect(tip.json()).toMatchObject({ outcome: 'approved', result: { type: 'tip_adjust' } });

    const voided = await bluechip(['void', '--reference', ref, ...t()]);
    expect(voided.code).toBe(0);
    expect(voided.stdout).toMatch(/^approved {2}void {2}/);
  });

  it('refund, pre-auth and complete, balance, reprint, recall', async () => {
    const refund = await bluechip(['refund', '--amount', '5', '--tender', 'credit', '--json', ...t()]);
    expect(refund.json()).toMatchObject({ outcome: 'approved', result: { type: 'refund' } });
    const pre = await bluechip(['pre-auth', '--amount', '20.00', '--json', ...t()]);
    expect(pre.code).toBe(0);
    const ref = (pre.json().result as { reference_no: string }).reference_no;
    const complete = await bluechip(['complete', '--reference', ref, '--amount', '18.00', '--json', ...t()]);
    expect(complete.json()).toMatchObject({
      outcome: 'approved',
      result: { type: 'pre_auth_completion', transaction_amount: '1800' },
    });
    const balance = await bluechip(['balance', '--tender', 'gift', '--json', ...t()]);
    expect(balance.code).toBe(0);
    const reprint = await bluechip(['reprint', '--copy', 'customer', '--json', ...t()]);
    expect(reprint.code).toBe(0);
    const recall = await bluechip(['recall', '--json', ...t()]);
    expect(recall.code).toBe(0);
    // the terminal's last transaction, as it recorded it
    expect(recall.json()).toMatchObject({ outcome: 'approved', result: { type: 'pre_auth_completion' } });
  });

  it('info, set-time, report, settle, raw', async () => {
    const info = await bluechip(['info', ...t()]);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('Package Name: BFN');
    const time = await bluechip(['set-time', '--at', '2026-07-26T10:20:01Z', '--utc', '--json', ...t()]);
    expect(time.json()).toMatchObject({ outcome: 'approved' });
    expect(sim.snapshot().clock.getUTCFullYear()).toBe(2026);
    const report = await bluechip(['report', 'summary_report', '--json', ...t()]);
    expect(report.json()).toMatchObject({ outcome: 'completed' });
    const settle = await bluechip(['settle', '--json', ...t()]);
    expect(settle.code).toBe(0);
    expect(settle.json()).toMatchObject({ outcome: 'approved', result: { type: 'settlement' } });
    const raw = await bluechip([
      'raw',
      '--endpoint',
      'payment',
      '--resource',
      '{"type":"verification"}',
      ...t(),
    ]);
    expect(raw.code).toBe(0);
    expect(raw.stdout).toMatch(/^approved {2}verification/);
  });

  it('--verbose prints frames on stderr with card numbers masked; --endpoint-mode single; BLUECHIP_TERMINAL', async () => {
    const verbose = await bluechip([
      'sale',
      '--amount',
      '1.00',
      '--verbose',
      '--endpoint-mode',
      'single',
      ...t(),
    ]);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toMatch(/^>> \/ \{"request"/m);
    expect(verbose.stderr).toMatch(/^<< \/ \{"event"/m);
    // no stand-alone card-number-length digit run (an EMV AID such as A0000000031010 is shown as sent)
    expect(verbose.stderr).not.toMatch(/(?<![0-9A-Za-z])\d{12,19}(?![0-9A-Za-z])/);
    const env = await bluechip(['info', '--json'], { BLUECHIP_TERMINAL: sim.url });
    expect(env.json()).toMatchObject({ outcome: 'completed' });
  });
});

describe('--journal', () => {
  it('records the flow in a file journal, final result and end included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bluechip-cli-'));
    try {
      const sale = await bluechip(['sale', '--amount', '4.56', '--json', ...t()], { BLUECHIP_JOURNAL: dir });
      expect(sale.code).toBe(0);
      const flowId = String(sale.json().flow_id);
      const journal = await openFileJournal(dir);
      try {
        const flow = await journal.flow(flowId);
        expect(flow).toMatchObject({ request: { type: 'sale', amount: 456 }, finalAcked: true });
        expect(flow?.ended?.outcome).toBe('completed');
        expect(await journal.openFlows()).toEqual([]);
      } finally {
        await journal.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('--key with --journal', () => {
  it('a retry with the same key returns the first outcome without sending anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bluechip-cli-'));
    try {
      const args = ['sale', '--amount', '7.89', '--key', 'order-17', '--journal', dir, '--json', ...t()];
      const first = await bluechip(args);
      expect(first.code).toBe(0);
      const batch = sim.snapshot().batch.length;
      const again = await bluechip(args);
      expect(again.code).toBe(0);
      expect(again.json()).toMatchObject({
        flow_id: first.json().flow_id,
        outcome: 'approved',
        replayed: true,
      });
      expect(sim.snapshot().batch.length).toBe(batch);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('exit codes', () => {
  it('2 declined, 3 cancelled, 3 timed out on user input, 1 error event', async () => {
    const runs = [];
    for (const amount of ['2.00', '2.01', '2.02', '2.03']) {
      runs.push(await bluechip(['sale', '--amount', amount, '--json', ...t()]));
    }
    expect(runs.map((r) => r.code)).toEqual([2, 3, 3, 1]);
    expect(runs.map((r) => r.json().outcome)).toEqual(['declined', 'cancelled', 'timeout', 'error']);
    for (const run of runs) expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('4 when no final event arrives in time, or the link drops; the message says to run recall', async () => {
    const silent = await bluechip(['sale', '--amount', '2.04', '--timeout', '0.5', '--json', ...t()]);
    expect(silent.code).toBe(4);
    expect(silent.json()).toMatchObject({ outcome: 'unknown', status: null, result: null });
    expect(silent.stderr).toContain('bluechip recall');
    const dropped = await bluechip(['sale', '--amount', '2.05', ...t()]);
    expect(dropped.code).toBe(4);
    expect(dropped.stderr).toContain('bluechip recall');
    // the simulator completed the dropped sale: recall finds it
    const recall = await bluechip(['recall', '--json', ...t()]);
    expect(recall.json()).toMatchObject({ result: { transaction_amount: '205' } });
  });

  it('5 when the terminal answers "TSI busy", and when another client holds it', async () => {
    const refused = await bluechip(['sale', '--amount', '1.00', '--json', '--terminal', busySim.url]);
    expect(refused.code).toBe(5);
    expect(refused.json()).toMatchObject({
      outcome: 'error',
      status: 'error',
      error: { code: 'terminal_busy' },
    });

    const holder = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 5 });
    try {
      const held = bluechip(['sale', '--amount', '2.04', '--timeout', '3', '--terminal', holder.url]);
      for (let i = 0; i < 200 && holder.snapshot().activeFlow === undefined; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const second = await bluechip(['info', '--json', '--terminal', holder.url]);
      expect(second.code).toBe(5);
      expect((await held).code).toBe(4);
    } finally {
      await holder.close();
    }
  });

  it('1 for usage errors and bad amounts, each with a one-line message', async () => {
    const cases = [
      ['sale'],
      ['sale', '--amount', '12.345'],
      ['sale', '--amount', '-1'],
      ['sale', '--amount', '1', '--bogus'],
      ['sale', '--amount', '1', '--tender', 'bitcoin'],
      ['void'],
      ['report'],
      ['report', 'no_such_report'],
      ['raw', '--endpoint', 'payment', '--resource', '{not json'],
      ['set-time', '--at', 'yesterday'],
    ].map((args) => [...args, ...t()]);
    cases.push(['sale', '--amount', '1', '--terminal', 'http://x']);
    // Nothing here reaches the terminal, so the children can run a few at a time.
    const runs = await inBatches(cases, 3, (args) => bluechip(args));
    expect(runs.map((r) => r.code)).toEqual(cases.map(() => 1));
    for (const run of runs) {
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    const json = await bluechip(['sale', '--amount', '1.5.0', '--json', ...t()]);
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({ flow_id: null, outcome: 'error', error: { code: 'invalid_amount' } });
  });

  it('1 when the terminal cannot be reached', async () => {
    const run = await bluechip(['sale', '--amount', '1', '--terminal', 'ws://127.0.0.1:9', '--json']);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ outcome: 'error', error: { code: 'connect_failed' } });
  });
});

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return out;
}

describe('demo and simulate', () => {
  it('demo runs its five steps against its own simulator and exits 0', async () => {
    const demo = await bluechip(['demo']);
    expect(demo.code).toBe(0);
    expect(demo.stdout.match(/^ok {3}\d\/5/gm)).toHaveLength(5);
    const json = await bluechip(['demo', '--json', '--endpoint-mode', 'single']);
    expect(json.code).toBe(0);
    expect(json.json()).toMatchObject({ outcome: 'ok' });
  });

  it('a reader that closes the pipe early (bluechip demo | head -1) does not crash the command', async () => {
    const child = spawn(process.execPath, [BIN, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Like `head -1`: read the first line, then close the pipe while the demo still writes.
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = await once(child, 'exit');
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });

  it('simulate --port 0 prints its URL, serves the CLI, and stops on SIGINT', async () => {
    const child = simulateChild(['--event-delay-ms', '5']);
    try {
      const url = await child.url;
      const sale = await bluechip(['sale', '--amount', '3.00', '--json', '--terminal', url]);
      expect(sale.json()).toMatchObject({ outcome: 'approved' });
    } finally {
      expect(await child.stop()).toBe(0);
    }
    const bad = await bluechip(['simulate', '--port', 'x']);
    expect(bad.code).toBe(1);
  });
});
