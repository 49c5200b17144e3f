import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, summaryTable } from '../src/index.js';
import { buildCli, CLI_BIN, certify } from './support.js';

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
    expect(drop.reported).toMatchObject({ outcome: 'approved', amount: 600 });
    // The partial approval is reported with the approved amount.
    expect(report.results.find((r) => r.scenario.id === 'partial-approval')!.reported?.amount).toBe(3000);
  }, 240_000);
});
