import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCertification, SCENARIOS, summaryTable } from '../../packages/certify/src/index.js';
import { buildCli, CLI_BIN } from '../../test-support/cli-build.js';

// The kit against the Go binding's example POS (bindings/go/examples/pos-sale), which sells through the
// bridge over stdio: it must pass every scenario, like the CLI and the Python example. Where Go is
// missing the suite is skipped, saying so.
const GO_DIR = fileURLToPath(new URL('./', import.meta.url));

const hasGo = (() => {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasGo) console.warn('go not found: the kit is not tried against the Go binding');

let dir: string;
let binary: string;

beforeAll(async () => {
  buildCli();
  if (!hasGo) return;
  dir = mkdtempSync(join(tmpdir(), 'bluechip-go-pos-'));
  binary = join(dir, 'pos-sale');
  await new Promise<void>((resolve, reject) =>
    execFile(
      'go',
      ['build', '-o', binary, './examples/pos-sale'],
      { cwd: GO_DIR, timeout: 300_000 },
      (error, _o, stderr) => (error === null ? resolve() : reject(new Error(`go build: ${stderr}`))),
    ),
  );
}, 320_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasGo)('the kit against the Go binding (bindings/go/examples/pos-sale)', () => {
  it('passes every scenario', async () => {
    const bridge = `${process.execPath} ${CLI_BIN} serve --stdio`;
    const command = `"${binary}" --bridge "${bridge}" --terminal {url} --amount {amount} --order {reference} --journal {state} --endpoint-mode {mode}`;
    const report = await runCertification(
      { port: 0, timeScale: 0.01, ackTimeoutMs: 5000, posCommand: command },
      { stdout: { write: () => true } },
    );
    expect(report.results.map((r) => r.scenario.id)).toEqual(SCENARIOS.map((s) => s.id));
    expect(report.failed, summaryTable(report)).toBe(0);
    const drop = report.results.find((r) => r.scenario.id === 'drop-after-started')!;
    expect(drop.wire.some((l) => l.includes('recall_last_transaction'))).toBe(true);
    expect(drop.reported).toMatchObject({ outcome: 'approved' });
  }, 300_000);
});
