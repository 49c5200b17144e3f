import { spawn } from 'node:child_process';
import type { FlowTimeline } from '@bluechip-ws/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTimeline } from '../src/trace-timeline.js';
import { BIN, bluechip, buildCli, simulateChild } from './support.js';

describe('--trace timeline', () => {
  it('formats request, started, events, acks with latency and the end, offsets from the start', () => {
    const timeline: FlowTimeline = {
      flowId: '482913',
      operation: 'sale',
      terminal: 'ws://127.0.0.1:50000',
      beganAt: 1000,
      outcome: 'approved',
      code: 'approved',
      outcomeUnknown: false,
      marks: [
        { at: 1002, name: 'request sent' },
        { at: 1012, name: 'started' },
        { at: 1300, name: 'event', status: 'proceed' },
        { at: 1301, name: 'ack', ackLatencyMs: 1 },
        { at: 1612, name: 'event', status: 'completed' },
        { at: 1614, name: 'ack', ackLatencyMs: 2 },
        { at: 1615, name: 'final', code: 'approved' },
      ],
    };
    expect(formatTimeline(timeline).map((line) => line.replace(/\s+/g, ' ').trim())).toEqual([
      'trace: flow 482913 sale on ws://127.0.0.1:50000',
      '+2.0 ms request sent',
      '+12 ms started response after 10 ms',
      '+300 ms event proceed',
      '+301 ms ack 1.0 ms after the event',
      '+612 ms event completed customer stage 600 ms',
      '+614 ms ack 2.0 ms after the event',
      '+615 ms final approved',
    ]);
  });
});

describe('the CLI', () => {
  let simulator: ReturnType<typeof simulateChild>;
  let url: string;

  beforeAll(async () => {
    buildCli();
    simulator = simulateChild();
    url = await simulator.url;
  }, 120_000);
  afterAll(() => simulator?.stop());

  it('sale --trace prints the flow timeline on stderr, stdout unchanged', async () => {
    const run = await bluechip(['sale', '--amount', '12.34', '--terminal', url, '--trace', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.stringify(run.json())).toContain('approved');
    const lines = run.stderr.split('\n');
    const head = lines.findIndex((line) => line.startsWith('trace: flow'));
    expect(head).toBeGreaterThanOrEqual(0);
    const steps = lines
      .slice(head + 1)
      .map((line) => line.replace(/^\s*\+\S+ \S+\s+/, '').split(/\s{2,}/)[0]);
    expect(steps[0]).toBe('request sent');
    expect(steps[1]).toBe('started');
    expect(steps).toContain('ack');
    expect(lines.slice(head).join('\n')).toMatch(/ack\s+[\d.]+ m?s after the event/);
    expect(lines.slice(head).join('\n')).toMatch(/final approved/);
  });

  it('an outcome unknown ends the trace with its code', async () => {
    const run = await bluechip(['sale', '--amount', '2.05', '--terminal', url, '--trace']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/trace: flow \d+ sale[\s\S]*failed link_closed/);
  });

  it('serve --metrics 0 exposes the library metrics of the bridge terminals on loopback', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--stdio', '--metrics', '0'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    const answered = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"id":2,')) resolve();
      }),
    );
    const endpoint = new Promise<string>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(stderr);
        if (match) resolve(match[1] as string);
      }),
    );
    try {
      const base = await endpoint;
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'terminal.open', params: { simulator: true } })}\n` +
          `${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'sale', params: { terminalId: 't1', amount: 1234 } })}\n`,
      );
      await answered;
      expect(stdout).toContain('"kind":"approved"');
      const text = await (await fetch(`${base}/metrics`)).text();
      const outcome = text
        .split('\n')
        .find(
          (line) =>
            line.startsWith('bluechip_outcomes_total{') && line.includes('bluechip_outcome_kind="approved"'),
        );
      expect(outcome).toMatch(/bluechip_operation="sale"/);
      expect(outcome?.trim().endsWith(' 1')).toBe(true);
      expect(text).toMatch(/^bluechip_stage_duration_count\{[^}]*bluechip_stage="customer"[^}]*\} 1$/m);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
