import { describe, expect, it } from 'vitest';
import { SCENARIOS, summaryTable } from '../src/index.js';
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
  because: Readonly<Record<string, readonly string[]>>;
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
    // Every scenario is a sale, so every one sends "amount":5.00 instead of 500.
    fixture: 'decimal-amounts',
    fails: ALL,
    because: { approved: ['amounts', 'outcome'], 'error-event': ['amounts'] },
  },
  {
    fixture: 'no-recovery',
    fails: ['drop-after-started'],
    because: { 'drop-after-started': ['recall-after-drop'] },
  },
];

describe('the kit against deliberately broken POS fixtures', () => {
  for (const { fixture, fails, because } of CASES) {
    const what =
      fails.length === 0
        ? 'nothing'
        : fails.length === ALL.length
          ? 'every scenario'
          : fails.length === ALL.length - 1
            ? 'every scenario but the first'
            : fails.join(', ');
    it(`${fixture} fails exactly ${what}`, async () => {
      const report = await certify(fixtureCommand(fixture));
      expect(failedIds(report), summaryTable(report)).toEqual(fails);
      for (const [id, checks] of Object.entries(because)) {
        expect(failedChecks(report, id), `${fixture} / ${id}\n${summaryTable(report)}`).toEqual(checks);
      }
    }, 120_000);
  }
});
