import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  commandDriver,
  expandCommand,
  lastJsonObject,
  parseAnswer,
  readReport,
  runCommand,
  type SaleJob,
  SCENARIOS,
  shellQuote,
} from '../src/internal.js';

describe('reading what a POS reported', () => {
  it("uses stdout JSON over the exit code, and bluechip's busy and amounts", () => {
    expect(readReport(0, '')).toEqual({ outcome: 'approved', source: 'exit code 0' });
    expect(readReport(3, 'no json here')).toMatchObject({ outcome: 'cancelled_or_timed_out' });
    expect(readReport(4, '')).toMatchObject({ outcome: 'unknown' });
    expect(readReport(127, '')).toMatchObject({ outcome: 'error' });
    expect(readReport(3, '{"outcome":"timeout"}')).toMatchObject({ outcome: 'timed_out' });
    expect(readReport(5, '{"flow_id":"1","outcome":"error","error":{"code":"terminal_busy"}}')).toMatchObject(
      { outcome: 'busy' },
    );
    expect(
      readReport(0, 'log line\n{"outcome":"approved","result":{"total_amount":"3000"}}\n'),
    ).toMatchObject({
      outcome: 'approved',
      amount: 3000,
    });
    expect(readReport(0, '{"outcome":"approved","amount":550}')).toMatchObject({ amount: 550 });
    expect(readReport(0, '{"outcome":"approved","amount":5.5}').amount).toBeUndefined();
    expect(lastJsonObject('[1,2]\n"x"')).toBeUndefined();
  });

  it('reads the partial-approval and not-found labels, and exit code 6; no prototype member is a label', () => {
    expect(readReport(6, '')).toMatchObject({ outcome: 'partially_approved' });
    expect(readReport(0, '{"outcome":"partial","amount":3000}')).toMatchObject({
      outcome: 'partially_approved',
      amount: 3000,
    });
    expect(readReport(4, '{"outcome":"not_found"}')).toMatchObject({ outcome: 'unknown' });
    for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(readReport(1, JSON.stringify({ outcome: word }))).toEqual({
        outcome: 'error',
        source: 'exit code 1',
      });
    }
  });

  it("reads an operator's answer", () => {
    expect(parseAnswer('a')).toBe('approved');
    expect(parseAnswer(' Timed out ')).toBe('timed_out');
    expect(parseAnswer('declined')).toBe('declined');
    expect(parseAnswer('')).toBeUndefined();
    expect(parseAnswer('maybe')).toBeUndefined();
  });
});

const job: SaleJob = {
  scenario: SCENARIOS[0]!,
  amountText: '5.00',
  cents: 500,
  type: 'sale',
  reference: 'cert-1-approved',
  url: 'ws://127.0.0.1:4567',
  host: '127.0.0.1',
  port: 4567,
  mode: 'multi',
  stateDir: "/tmp/it's here",
};

describe('POS commands', () => {
  it('expands placeholders, quoting for the shell, and leaves other braces alone', () => {
    expect(shellQuote('ws://127.0.0.1:1')).toBe('ws://127.0.0.1:1');
    expect(shellQuote("a b'c")).toBe(`'a b'\\''c'`);
    expect(
      expandCommand('pos {amount} {cents} {type} {reference} {url} {port} {mode} {state} {x} {"a":1}', job),
    ).toBe(
      `pos 5.00 500 sale cert-1-approved ws://127.0.0.1:4567 4567 multi '/tmp/it'\\''s here' {x} {"a":1}`,
    );
  });

  it('runs through the shell with the exit code and output; a command over its time is killed with its group', async () => {
    const done = await runCommand(`echo '{"outcome":"declined"}'; echo oops >&2; exit 2`, 10_000, {});
    expect(done).toMatchObject({
      exitCode: 2,
      killed: false,
      stdout: '{"outcome":"declined"}\n',
      stderr: 'oops\n',
    });
    const hung = await runCommand(
      `${JSON.stringify(process.execPath)} -e "setInterval(() => {}, 1000)"`,
      300,
      {},
    );
    expect(hung.killed).toBe(true);
    const missing = await runCommand('definitely-not-a-command-3141', 10_000, {});
    expect(missing.exitCode).toBe(127);
  });
});

describe('the command driver', () => {
  const settle = async () => {};

  it('runs again for the same order after "unknown", up to the retries, and stops at the first other outcome', async () => {
    // The first run reports unknown and leaves a mark in {state}; the second sees it and reports approved.
    const command = `if [ -e {state}/tried ]; then echo '{"outcome":"approved","amount":500}'; else touch {state}/tried; exit 4; fi`;
    const dir = await mkdtemp(join(tmpdir(), 'certify-driver-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const driven = await commandDriver({ command, timeoutMs: 10_000, retries: 2 }).drive(
      { ...job, stateDir: dir },
      { settle },
    );
    expect(driven.attempts.map((a) => a.exitCode)).toEqual([4, 0]);
    expect(driven.reported).toMatchObject({ outcome: 'approved', amount: 500 });
    expect(driven.notes).toEqual([expect.stringMatching(/reported "unknown": run again for the same order/)]);
    const stubborn = await commandDriver({ command: 'exit 4', timeoutMs: 10_000, retries: 1 }).drive(job, {
      settle,
    });
    expect(stubborn.attempts).toHaveLength(2);
    expect(stubborn.reported?.outcome).toBe('unknown');
  });

  it('a command over its time is killed, counts as unknown and is not run again', async () => {
    const hung = `${JSON.stringify(process.execPath)} -e "setInterval(() => {}, 1000)"`;
    const driven = await commandDriver({ command: hung, timeoutMs: 300, retries: 3 }).drive(job, { settle });
    expect(driven.attempts).toHaveLength(1);
    expect(driven.reported).toMatchObject({
      outcome: 'unknown',
      source: 'killed: still running after 300 ms',
    });
  });
});
