import type { CertifyReport, ScenarioResult } from './examiner.js';
import { verdictOf } from './verdict.js';

/** `[ 3/14] declined               PASS   0.8 s` */
export function progressLine(index: number, total: number, result: ScenarioResult): string {
  const n = String(total).length;
  const verdict = { pass: 'PASS', 'pass with warnings': 'PASS with warnings', FAIL: 'FAIL' }[
    verdictOf(result)
  ];
  const failed = result.checks.filter((c) => !c.passed).map((c) => c.id);
  const why = failed.length === 0 ? '' : `  (${failed.join(', ')})`;
  return `[${String(index + 1).padStart(n)}/${total}] ${result.scenario.id.padEnd(24)} ${verdict}  ${(result.durationMs / 1000).toFixed(1).padStart(5)} s${why}`;
}

/** Most wire lines printed for one failing scenario in the terminal (the HTML report has them all). */
const WIRE_LINES = 40;

/** The pass/fail table, then for each failure what was wrong and what was seen on the wire. */
export function summaryTable(report: CertifyReport): string {
  const lines: string[] = [];
  const idWidth = Math.max(8, ...report.results.map((r) => r.scenario.id.length));
  lines.push('', `${'scenario'.padEnd(idWidth)}  result              reported            expected`);
  lines.push(`${'-'.repeat(idWidth)}  ------------------  ------------------  ----------`);
  for (const r of report.results) {
    const reported = r.reported === undefined ? '-' : r.reported.outcome;
    lines.push(
      `${r.scenario.id.padEnd(idWidth)}  ${verdictOf(r).padEnd(18)}  ${reported.padEnd(18)}  ${r.scenario.expected.outcome}`,
    );
  }
  for (const r of report.results.filter((x) => verdictOf(x) === 'pass with warnings')) {
    lines.push('', `PASS with warnings ${r.scenario.id}: ${r.scenario.title}`);
    for (const w of r.warnings) lines.push(`  ! ${w}`);
  }
  for (const r of report.results.filter((x) => !x.passed)) {
    lines.push('', `FAIL ${r.scenario.id}: ${r.scenario.title}`, `  a correct POS: ${r.scenario.correctPos}`);
    for (const c of r.checks.filter((x) => !x.passed)) {
      lines.push(`  x ${c.title}`);
      for (const p of c.problems) lines.push(`      ${p}`);
    }
    for (const note of r.notes) lines.push(`  note: ${note}`);
    for (const a of r.attempts) {
      lines.push(`  ran: ${a.command}  -> exit ${a.exitCode ?? a.signal ?? 'none'} in ${a.durationMs} ms`);
      const err = a.stderr.trim();
      if (err !== '')
        lines.push(
          ...err
            .split('\n')
            .slice(-5)
            .map((l) => `      stderr: ${l}`),
        );
    }
    lines.push('  on the wire:');
    const wire = r.wire.slice(0, WIRE_LINES);
    lines.push(...wire.map((l) => `    ${l}`));
    if (r.wire.length > WIRE_LINES)
      lines.push(`    … ${r.wire.length - WIRE_LINES} more lines (see the HTML report)`);
  }
  lines.push(
    '',
    `${report.passed} passed, ${report.failed} failed (${report.results.length} scenarios, ${(report.durationMs / 1000).toFixed(1)} s, time scale ${report.timeScale})`,
    '',
  );
  return lines.join('\n');
}
