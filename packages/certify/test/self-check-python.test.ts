import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, summaryTable } from '../src/index.js';
import { buildCli, certify } from './support.js';

// The kit against a POS written in another language: the Python binding's example sale (through the bridge).
// Python 3 is on every machine we support (CI has it); where it is missing the suite is skipped, saying so.
const python = (() => {
  try {
    const ok = execFileSync('python3', ['-c', 'import sys; print(sys.version_info >= (3, 9))'], {
      encoding: 'utf8',
    });
    return ok.trim() === 'True';
  } catch {
    return false;
  }
})();
if (!python) console.warn('python3 (>= 3.9) not found: the kit is not tried against the Python binding');

const EXAMPLE = fileURLToPath(new URL('../../../bindings/python/examples/pos_sale.py', import.meta.url));

beforeAll(() => buildCli(), 120_000);

describe.skipIf(!python)('the kit against the Python binding (bindings/python/examples/pos_sale.py)', () => {
  it('passes every scenario', async () => {
    const command = `python3 "${EXAMPLE}" --terminal {url} --amount {amount} --order {reference} --journal {state} --endpoint-mode {mode}`;
    const report = await certify(command);
    expect(report.results.map((r) => r.scenario.id)).toEqual(SCENARIOS.map((s) => s.id));
    expect(report.failed, summaryTable(report)).toBe(0);
    const drop = report.results.find((r) => r.scenario.id === 'drop-after-started')!;
    expect(drop.wire.some((l) => l.includes('recall_last_transaction'))).toBe(true);
    expect(drop.reported).toMatchObject({ outcome: 'approved' });
  }, 300_000);
});
