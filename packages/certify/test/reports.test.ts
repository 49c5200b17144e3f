import { describe, expect, it } from 'vitest';
import { type CertifyReport, htmlReport, junitReport, SCENARIOS, summaryTable } from '../src/index.js';

const nasty = `<script>alert("x")</script> & 'quotes' \u0001`;

const report: CertifyReport = {
  startedAt: '2026-12-01T21:00:00.000Z',
  durationMs: 1234,
  url: 'ws://127.0.0.1:1',
  mode: 'command',
  posCommand: `pos --x "${nasty}"`,
  timeScale: 0.01,
  ackTimeoutMs: 2000,
  passed: 1,
  failed: 1,
  results: [
    {
      scenario: SCENARIOS[0]!,
      passed: true,
      checks: [{ id: 'acks', title: 'acks', passed: true, problems: [], notes: [] }],
      reported: { outcome: 'approved', source: 'exit code 0' },
      attempts: [],
      wire: ['+0 ms #1 POS->TERM /tsi/v1/payment {}'],
      notes: [],
      durationMs: 100,
    },
    {
      scenario: SCENARIOS[1]!,
      passed: false,
      checks: [{ id: 'acks', title: 'acks rule', passed: false, problems: [`bad ${nasty}`], notes: [] }],
      reported: { outcome: 'approved', source: 'exit code 0' },
      attempts: [
        {
          command: nasty,
          exitCode: 0,
          signal: null,
          durationMs: 5,
          stdout: nasty,
          stderr: nasty,
          killed: false,
        },
      ],
      wire: [`+1 ms #1 TERM->POS ${nasty}`],
      notes: [nasty],
      durationMs: 200,
    },
  ],
};

describe('reports', () => {
  it('JUnit XML: one testcase per scenario, a failure carrying the wire, everything escaped', () => {
    const xml = junitReport(report);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain('tests="2" failures="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml).toContain(
      '<failure message="acks rule: bad &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;',
    );
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u0001');
  });

  it('HTML: self-contained (no external asset, no script), every value escaped', () => {
    const html = htmlReport(report);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=|https?:/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('1 passed, 1 failed');
  });

  it('the text table lists every scenario and, for failures, the problems and the wire', () => {
    const text = summaryTable(report);
    expect(text).toContain('approved');
    expect(text).toContain('FAIL declined');
    expect(text).toContain(`      bad ${nasty}`);
    expect(text).toContain('TERM->POS');
    expect(text.trim().split('\n').at(-1)).toMatch(/^1 passed, 1 failed/);
  });
});
