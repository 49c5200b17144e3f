import { describe, expect, it } from 'vitest';
import {
  type CertifyReport,
  CITED_FRAME_CHARS,
  describeEntry,
  htmlReport,
  inspectFrame,
  junitReport,
  runChecks,
  SCENARIOS,
  summaryTable,
  type WireEntry,
} from '../src/internal.js';

const nasty = `<script>alert("x")</script> & 'quotes' \u0001`;

const report: CertifyReport = {
  startedAt: '2026-12-01T21:00:00.000Z',
  durationMs: 1234,
  url: 'ws://127.0.0.1:1',
  mode: 'command',
  posCommand: `pos --x "${nasty}"`,
  timeScale: 0.01,
  ackTimeoutMs: 2000,
  passed: 2,
  failed: 1,
  results: [
    {
      scenario: SCENARIOS[0]!,
      passed: true,
      checks: [{ id: 'acks', title: 'acks', passed: true, problems: [], warnings: [], notes: [] }],
      warnings: [],
      reported: { outcome: 'approved', source: 'exit code 0' },
      attempts: [],
      wire: ['+0 ms #1 POS->TERM /tsi/v1/payment {}'],
      notes: [],
      durationMs: 100,
    },
    {
      scenario: SCENARIOS[2]!,
      passed: true,
      checks: [
        { id: 'acks', title: 'acks rule', passed: true, problems: [], warnings: ['late-ish ack'], notes: [] },
      ],
      warnings: ['late-ish ack'],
      reported: { outcome: 'cancelled', source: 'exit code 3' },
      attempts: [],
      wire: ['+7 ms #1 POS->TERM /tsi/v1/payment {"event_ack":{}}'],
      notes: [],
      durationMs: 100,
    },
    {
      scenario: SCENARIOS[1]!,
      passed: false,
      checks: [
        {
          id: 'acks',
          title: 'acks rule',
          passed: false,
          problems: [`bad ${nasty}`],
          warnings: [],
          notes: [],
        },
      ],
      warnings: [],
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
  it('the wire log shows a frame a problem points at whole, others cut at 400 characters', () => {
    const text = `{"event_ack":{"flow_id":"1","resource":{"status":"ok","pad":"${'x'.repeat(600)}","bad":1}}}`;
    const entry = {
      kind: 'frame',
      at: 5,
      direction: 'in',
      connection: 1,
      path: '/tsi/v1/payment',
      text,
      frame: inspectFrame(text),
    } as const;
    expect(describeEntry(entry, 0)).toContain(`… (${text.length} chars)`);
    expect(describeEntry(entry, 0, CITED_FRAME_CHARS)).toContain('"bad":1}}}');
    const cited = new Set<WireEntry>();
    runChecks({
      scenario: SCENARIOS[0]!,
      entries: [entry],
      origin: 0,
      reported: undefined,
      ackBoundMs: 1000,
      flowIds: new Map(),
      cited,
    });
    expect(cited.has(entry)).toBe(true);
  });

  it('JUnit XML: one testcase per scenario, a failure carrying the wire, everything escaped', () => {
    const xml = junitReport(report);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain('tests="3" failures="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    // Passed with warnings: a pass for CI, the verdict as a property, the warnings and the wire as output.
    expect(xml).toMatch(
      /<testcase [^>]*name="cancelled: [^"]*"[^>]*>\s*<properties><property name="verdict" value="pass with warnings"\/><\/properties>\s*<system-out>warning: late-ish ack\n\nOn the wire:\n {2}\+7 ms/,
    );
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
    expect(html).toContain('2 passed, 1 failed');
    // The summary names the failing check; a pass with warnings says so and opens its wire log.
    expect(html).toMatch(/<td class="fail">FAIL<\/td><td>acks: acks rule<\/td>/);
    expect(html).toMatch(/<td class="warn">pass with warnings<\/td><td>1 warning<\/td>/);
    expect(html).toMatch(/<section id="cancelled" class="warned">[\s\S]*?<details open><summary>On the wire/);
    expect(html).toMatch(/<section id="approved" class="passed">[\s\S]*?<details><summary>On the wire/);
  });

  it('the text table lists every scenario and, for failures, the problems and the wire', () => {
    const text = summaryTable(report);
    expect(text).toContain('approved');
    expect(text).toContain('FAIL declined');
    expect(text).toMatch(/^cancelled +pass with warnings +cancelled +cancelled$/m);
    expect(text).toContain('PASS with warnings cancelled: Cancelled by the customer\n  ! late-ish ack');
    expect(text).toContain(`      bad ${nasty}`);
    expect(text).toContain('TERM->POS');
    expect(text.trim().split('\n').at(-1)).toMatch(/^2 passed, 1 failed/);
  });
});
