import { escapeXml as h } from './escape.js';
import type { CertifyReport, ScenarioResult } from './examiner.js';
import { type Verdict, verdictOf } from './verdict.js';

const CLASS: Readonly<Record<Verdict, string>> = { pass: 'pass', 'pass with warnings': 'warn', FAIL: 'fail' };

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1{font-size:1.5em}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #ddd;vertical-align:top}
.pass{color:#17692c;font-weight:600}.fail{color:#b3141b;font-weight:600}.warn{color:#8a5a00;font-weight:600}
section{border:1px solid #ddd;border-radius:6px;margin:1em 0;padding:.6em 1em}
section.failed{border-color:#b3141b}section.warned{border-color:#8a5a00}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:12px;white-space:pre-wrap;word-break:break-all}
.meta{color:#555}ul{margin:.3em 0}`;

/** For the summary: which checks failed (`acks: an event_ack for every event…`), or how many warnings. */
function failedChecks(r: ScenarioResult): string {
  const failed = r.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.title}`);
  if (failed.length > 0) return failed.join('; ');
  return r.warnings.length === 0 ? '' : `${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}`;
}

function scenarioSection(r: ScenarioResult): string {
  const checks = r.checks
    .map((c) => {
      const items = [
        ...c.problems.map((p) => `<li>${h(p)}</li>`),
        ...c.warnings.map((w) => `<li class="warn">warning: ${h(w)}</li>`),
        ...c.notes.map((n) => `<li><em>${h(n)}</em></li>`),
      ];
      return `<tr><td class="${c.passed ? 'pass' : 'fail'}">${c.passed ? 'pass' : 'FAIL'}</td><td>${h(c.title)}${items.length > 0 ? `<ul>${items.join('')}</ul>` : ''}</td></tr>`;
    })
    .join('\n');
  const attempts = r.attempts
    .map(
      (a) =>
        `<p class="meta">ran <code>${h(a.command)}</code>: exit ${h(String(a.exitCode ?? a.signal ?? 'none'))} in ${a.durationMs} ms</p>` +
        (a.stdout.trim() === '' ? '' : `<pre>stdout: ${h(a.stdout.trim())}</pre>`) +
        (a.stderr.trim() === '' ? '' : `<pre>stderr: ${h(a.stderr.trim())}</pre>`),
    )
    .join('\n');
  const reported =
    r.reported === undefined
      ? 'nothing'
      : `${r.reported.outcome}${r.reported.amount === undefined ? '' : ` (${r.reported.amount} cents)`} from ${r.reported.source}`;
  const verdict = verdictOf(r);
  const sectionClass = { pass: 'passed', 'pass with warnings': 'warned', FAIL: 'failed' }[verdict];
  return `<section id="${h(r.scenario.id)}" class="${sectionClass}">
<h2><span class="${CLASS[verdict]}">${h(verdict === 'pass' ? 'PASS' : verdict === 'FAIL' ? 'FAIL' : 'PASS with warnings')}</span> ${h(r.scenario.id)}: ${h(r.scenario.title)}</h2>
<p><strong>The terminal:</strong> ${h(r.scenario.does)}</p>
<p><strong>A correct POS:</strong> ${h(r.scenario.correctPos)}</p>
<p><strong>Expected report:</strong> ${h(r.scenario.expected.outcome)}${r.scenario.expected.amount === undefined ? '' : ` (${r.scenario.expected.amount} cents)`}; <strong>reported:</strong> ${h(reported)}</p>
<table>${checks}</table>
${r.notes.length > 0 ? `<ul>${r.notes.map((n) => `<li><em>${h(n)}</em></li>`).join('')}</ul>` : ''}
${attempts}
<details${verdict === 'pass' ? '' : ' open'}><summary>On the wire (${r.wire.length} lines)</summary><pre>${h(r.wire.join('\n'))}</pre></details>
</section>`;
}

/** A self-contained HTML page (inline style, no script, no external asset); every value escaped. */
export function htmlReport(report: CertifyReport): string {
  const rows = report.results
    .map(
      (r) =>
        `<tr><td><a href="#${h(r.scenario.id)}">${h(r.scenario.id)}</a></td><td class="${CLASS[verdictOf(r)]}">${h(verdictOf(r))}</td><td>${h(failedChecks(r))}</td><td>${h(r.reported?.outcome ?? '-')}</td><td>${h(r.scenario.expected.outcome)}</td><td>${(r.durationMs / 1000).toFixed(1)} s</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bluechip certify: ${report.passed} passed, ${report.failed} failed</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>bluechip certify: <span class="${report.failed === 0 ? 'pass' : 'fail'}">${report.passed} passed, ${report.failed} failed</span></h1>
<p class="meta">Started ${h(report.startedAt)}, ${(report.durationMs / 1000).toFixed(1)} s; simulator ${h(report.url)}; ${h(report.mode)} mode${report.posCommand === undefined ? '' : `, POS command <code>${h(report.posCommand)}</code>`}; time scale ${report.timeScale}; ack bound ${report.ackTimeoutMs} ms.</p>
<table><tr><th>scenario</th><th>result</th><th>failed checks</th><th>reported</th><th>expected</th><th>time</th></tr>
${rows}
</table>
${report.results.map(scenarioSection).join('\n')}
</body></html>
`;
}
