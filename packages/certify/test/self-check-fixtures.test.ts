import { describe, expect, it } from 'vitest';
import { type CertifyOptions, SCENARIOS, summaryTable } from '../src/index.js';
import { certify, failedChecks, failedIds, fixtureCommand } from './support.js';

const ALL = SCENARIOS.map((s) => s.id);
const except = (...ids: string[]) => ALL.filter((id) => !ids.includes(id));

/**
 * Each fixture is the mini POS with one flaw. It must fail exactly these scenarios, for these checks, and
 * pass all others.
 */
const CASES: readonly {
  fixture: string;
  fails: readonly string[];
  /** Exactly the checks that fail, per scenario. */
  because: Readonly<Record<string, readonly string[]>>;
  /** In every failing scenario, a problem of this check names the mistake (others may fail as well). */
  names?: { readonly check: string; readonly message: RegExp };
  options?: Partial<CertifyOptions>;
}[] = [
  { fixture: 'correct-pos', fails: [], because: {} },
  {
    fixture: 'never-acks-repeats',
    fails: ['final-repeated', 'event-resent'],
    because: { 'final-repeated': ['acks'], 'event-resent': ['acks'] },
  },
  {
    // It acks right after sending its request: every scenario shows an ack with no event awaiting it.
    fixture: 'acks-before-reading',
    fails: ALL,
    because: Object.fromEntries(ALL.map((id) => [id, ['acks']])),
  },
  {
    fixture: 'proceed-as-final',
    fails: ['proceed-then-completed'],
    because: { 'proceed-then-completed': ['acks', 'outcome'] },
  },
  {
    // A per-process counter: the first scenario's "1" is new, every later one reuses it.
    fixture: 'reuses-flow-ids',
    fails: except('approved'),
    because: Object.fromEntries(except('approved').map((id) => [id, ['flow-ids']])),
  },
  {
    // Every scenario is a sale, so every one sends "amount":4.35 instead of 435.
    fixture: 'decimal-amounts',
    fails: ALL,
    because: { approved: ['amounts', 'outcome'], 'error-event': ['amounts'] },
  },
  {
    // Issue 28, 1: it hangs up as the final event arrives and acks on a new connection. Busy has no event.
    fixture: 'acks-elsewhere',
    fails: except('busy'),
    because: {},
    names: { check: 'acks', message: /an ack goes on the connection its event came on/ },
  },
  {
    // Issue 28, 2: {"event_ack":{…,"resource":<the event's resource>}}.
    fixture: 'acks-echo-event',
    fails: except('busy'),
    because: Object.fromEntries(except('busy').map((id) => [id, ['envelopes']])),
    names: { check: 'envelopes', message: /resource is \{"status":"ok"\}, not .*\(the event echoed back\)/ },
  },
  {
    // Issue 28, 3: reports plain "approved" for a partial approval.
    fixture: 'ignores-partial',
    fails: ['partial-approval'],
    because: { 'partial-approval': ['outcome'] },
    names: { check: 'outcome', message: /without an amount for a partial approval/ },
  },
  {
    // Issue 28, 6: Math.floor(x * 100): every scenario's amount loses a cent that way.
    fixture: 'float-cents',
    fails: ALL,
    because: {},
    names: { check: 'amounts', message: /one cent short: the amount truncated from a float/ },
  },
  {
    // Issue 28, 4: after a drop it reports whatever recall_last_transaction returns as this order's outcome.
    fixture: 'trusts-recall',
    fails: ['drop-sale-not-run', 'drop-sale-cancelled'],
    because: { 'drop-sale-not-run': ['outcome'], 'drop-sale-cancelled': ['outcome'] },
    names: {
      check: 'outcome',
      message: /the terminal's last transaction is an earlier customer's sale of 1234/,
    },
  },
  {
    // Issue 28, 5: its own timeout (8 s here) is shorter than the customer (15 s here, 40 s by default).
    fixture: 'gives-up-early',
    fails: ['slow-customer'],
    because: { 'slow-customer': ['acks', 'outcome'] },
    names: { check: 'outcome', message: /the POS gave up \d+\.\d s into the customer's wait/ },
    options: { customerHoldMs: 15_000 },
  },
  {
    fixture: 'no-recovery',
    fails: ['drop-after-started', 'drop-sale-not-run', 'drop-sale-cancelled'],
    because: {
      'drop-after-started': ['recall-after-drop'],
      'drop-sale-not-run': ['recall-after-drop'],
      'drop-sale-cancelled': ['recall-after-drop'],
    },
  },
];

describe('the kit against deliberately broken POS fixtures', () => {
  for (const { fixture, fails, because, names, options } of CASES) {
    const what =
      fails.length === 0
        ? 'nothing'
        : fails.length === ALL.length
          ? 'every scenario'
          : fails.length === ALL.length - 1 && !fails.includes(ALL[0]!)
            ? 'every scenario but the first'
            : fails.join(', ');
    it(`${fixture} fails exactly ${what}`, async () => {
      const report = await certify(fixtureCommand(fixture), undefined, options);
      expect(failedIds(report), summaryTable(report)).toEqual(fails);
      for (const [id, checks] of Object.entries(because)) {
        expect(failedChecks(report, id), `${fixture} / ${id}\n${summaryTable(report)}`).toEqual(checks);
      }
      for (const id of names === undefined ? [] : fails) {
        const problems = report.results
          .find((r) => r.scenario.id === id)
          ?.checks.find((c) => c.id === names!.check)?.problems;
        expect(problems, `${fixture} / ${id}\n${summaryTable(report)}`).toContainEqual(
          expect.stringMatching(names!.message),
        );
      }
    }, 120_000);
  }
});
