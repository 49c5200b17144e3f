import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, summaryTable } from '../src/index.js';
import { buildCli, CLI_BIN, certify, fixtureCommand } from './support.js';

beforeAll(() => buildCli(), 120_000);

describe("the kit against the project's own CLI", () => {
  it('bluechip sale --json passes every scenario', async () => {
    const command =
      `"${process.execPath}" "${CLI_BIN}" sale --amount {amount} --json --terminal {url} ` +
      '--endpoint-mode {mode} --key {reference} --journal {state}';
    const report = await certify(command);
    expect(report.results.map((r) => r.scenario.id)).toEqual(SCENARIOS.map((s) => s.id));
    // The table says what was seen on the wire for any failure.
    expect(report.failed, summaryTable(report)).toBe(0);
    // The drop scenario is passed through recall: the first run reports unknown, the retry recalls.
    const drop = report.results.find((r) => r.scenario.id === 'drop-after-started')!;
    expect(drop.wire.some((l) => l.includes('recall_last_transaction'))).toBe(true);
    expect(drop.reported).toMatchObject({ outcome: 'approved', amount: drop.scenario.amount });
    // Where the sale never completed and the last transaction is an earlier customer's: not that sale.
    for (const id of ['drop-sale-not-run', 'drop-sale-cancelled']) {
      const lost = report.results.find((r) => r.scenario.id === id)!;
      expect(lost.reported?.amount, id).not.toBe(lost.scenario.earlierSale);
    }
    // The partial approval is reported with the approved amount.
    expect(report.results.find((r) => r.scenario.id === 'partial-approval')!.reported?.amount).toBe(3000);
  }, 240_000);
});

describe('bluechip certify, the command', () => {
  function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI_BIN, 'certify', ...args],
        { timeout: 60_000 },
        (error, stdout, stderr) => {
          resolve({
            code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
            stdout,
            stderr,
          });
        },
      );
    });
  }

  it('prints progress and the table, writes JUnit and HTML, exits 0 when all pass and 1 on a failure', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certify-cli-'));
    try {
      const common = [
        '--port',
        '0',
        '--time-scale',
        '0.01',
        '--only',
        'approved,busy',
        '--only',
        'final-repeated',
      ];
      const good = await run([
        ...common,
        '--pos-command',
        fixtureCommand('correct-pos'),
        '--junit',
        join(dir, 'r.xml'),
        '--html',
        join(dir, 'r.html'),
      ]);
      expect(good.code, good.stdout + good.stderr).toBe(0);
      expect(good.stdout).toMatch(/simulated terminal on ws:\/\/127\.0\.0\.1:\d+, 3 scenarios/);
      expect(good.stdout).toMatch(/\[1\/3\] approved\s+PASS/);
      expect(good.stdout.trim().split('\n').at(-1)).toMatch(/^3 passed, 0 failed/);
      expect(await readFile(join(dir, 'r.xml'), 'utf8')).toContain('tests="3" failures="0"');
      expect(await readFile(join(dir, 'r.html'), 'utf8')).toContain('3 passed, 0 failed');
      const bad = await run([...common, '--pos-command', fixtureCommand('never-acks-repeats')]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('FAIL final-repeated: Final event repeated');
      expect(bad.stdout).toMatch(/never acked \(a repeat|was never acked/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses bad options with exit 1 and a message', async () => {
    const bad = await run(['--only', 'teleport', '--pos-command', 'true', '--port', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown scenario "teleport"/);
    const port = await run(['--port', 'x']);
    expect(port.code).toBe(1);
    expect(port.stderr).toMatch(/--port must be an integer/);
    const list = await run(['--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('drop-after-started');
  }, 60_000);
});
