import { escapeXml as x } from './escape.js';
import type { CertifyReport, ScenarioResult } from './examiner.js';
import { verdictOf } from './verdict.js';

function failureText(r: ScenarioResult): string {
  const lines: string[] = [`A correct POS: ${r.scenario.correctPos}`, ''];
  for (const c of r.checks.filter((c) => !c.passed)) {
    lines.push(`x ${c.title}`, ...c.problems.map((p) => `    ${p}`));
  }
  for (const note of r.notes) lines.push(`note: ${note}`);
  lines.push('', 'On the wire:', ...r.wire.map((l) => `  ${l}`));
  return lines.join('\n');
}

/** JUnit XML: one testsuite, one testcase per scenario, a `<failure>` with the wire for each failure. */
export function junitReport(report: CertifyReport): string {
  const cases = report.results.map((r) => {
    const name = `${r.scenario.id}: ${r.scenario.title}`;
    const head = `    <testcase classname="bluechip.certify" name="${x(name)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
    if (verdictOf(r) === 'pass') return `${head}/>`;
    if (r.passed) {
      // Passed with warnings: still a pass for CI, with the verdict as a property and the wire as output.
      const out = [
        ...r.warnings.map((w) => `warning: ${w}`),
        '',
        'On the wire:',
        ...r.wire.map((l) => `  ${l}`),
      ];
      return [
        `${head}>`,
        '      <properties><property name="verdict" value="pass with warnings"/></properties>',
        `      <system-out>${x(out.join('\n'))}</system-out>`,
        '    </testcase>',
      ].join('\n');
    }
    const first = r.checks.find((c) => !c.passed);
    const message = first === undefined ? 'failed' : `${first.title}: ${first.problems[0] ?? ''}`;
    return [
      `${head}>`,
      `      <failure message="${x(message)}" type="wire">${x(failureText(r))}</failure>`,
      '    </testcase>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bluechip certify" tests="${report.results.length}" failures="${report.failed}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="bluechip certify" tests="${report.results.length}" failures="${report.failed}" errors="0" skipped="0" time="${(report.durationMs / 1000).toFixed(3)}" timestamp="${x(report.startedAt.replace(/\.\d+Z$/, ''))}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
