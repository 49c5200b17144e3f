import type { FlowSummary } from '@bluechip-ws/core';
import { describe, expect, it } from 'vitest';
import { judge, keyState, readRecall } from '../src/recovery/index.js';

const T0 = new Date(2026, 10, 27, 12, 0, 0).getTime();
const TOL = 60_000;

function flow(
  flowId: string,
  sentAt: number,
  resource: Record<string, unknown>,
  extra: Partial<FlowSummary> = {},
): FlowSummary {
  return { flowId, sentAt, request: resource, started: true, events: [], finalAcked: false, ...extra };
}

function recalled(at: Date, fields: Record<string, unknown>) {
  const p = (n: number) => String(n).padStart(2, '0');
  const answer = readRecall({
    status: 'completed',
    results: [
      {
        status: 'approved',
        transaction_date: `${p(at.getFullYear() % 100)}/${p(at.getMonth() + 1)}/${p(at.getDate())}`,
        transaction_time: `${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`,
        ...fields,
      },
    ],
  });
  if (answer === undefined) throw new Error('unreadable');
  return answer;
}

const context = (
  owner: (ref: string) => { flowId: string; sentAt?: number } | undefined = () => undefined,
) => ({
  clock: { toleranceMs: TOL, matchToleranceMs: 5_000 },
  now: T0 + 10 * 60_000,
  owner,
});

describe('judge (one recall against the open transactions)', () => {
  it('recovers the flow that matches type, amount and time', () => {
    const answer = recalled(new Date(T0 + 5_000), {
      type: 'sale',
      transaction_amount: '1234',
      reference_no: '7',
    });
    const verdicts = judge([flow('a', T0, { type: 'sale', amount: 1234 })], answer, context());
    expect(verdicts.get('a')?.verdict).toBe('recovered');
  });

  it.each([
    ['another type', { type: 'refund', transaction_amount: '1234' }],
    ['another amount', { type: 'sale', transaction_amount: '999' }],
    ['another invoice', { type: 'sale', transaction_amount: '1234', invoice_no: 'B' }],
  ])('does not match %s', (_label, fields) => {
    const answer = recalled(new Date(T0 + 5_000), fields);
    const verdicts = judge(
      [flow('a', T0, { type: 'sale', amount: 1234, invoice_no: 'A' })],
      answer,
      context(),
    );
    expect(verdicts.get('a')?.verdict).toBe('still_unknown');
  });

  it('a last transaction older than the request (beyond the tolerance) means it never ran', () => {
    const answer = recalled(new Date(T0 - 2 * TOL), { type: 'sale', transaction_amount: '1234' });
    expect(judge([flow('a', T0, { type: 'sale', amount: 1234 })], answer, context()).get('a')?.verdict).toBe(
      'not_found',
    );
  });

  it('a same-amount sale stamped well before the request is not taken for it (nor proof it never ran)', () => {
    const answer = recalled(new Date(T0 - 50_000), { type: 'sale', transaction_amount: '1234' });
    expect(judge([flow('a', T0, { type: 'sale', amount: 1234 })], answer, context()).get('a')?.verdict).toBe(
      'still_unknown',
    );
  });

  it('a terminal clock running behind by more than matchToleranceMs gives still_unknown, never a wrong verdict', () => {
    const behind = recalled(new Date(T0 - 40_000 + 3_000), { type: 'sale', transaction_amount: '1234' });
    const sale = flow('a', T0, { type: 'sale', amount: 1234 });
    expect(judge([sale], behind, context()).get('a')?.verdict).toBe('still_unknown');
    const wider = { ...context(), clock: { toleranceMs: TOL, matchToleranceMs: 45_000 } };
    expect(judge([sale], behind, wider).get('a')?.verdict).toBe('recovered');
  });

  it('a busy refusal matches only a copy stamped from its sending on', () => {
    const busy = flow(
      'b',
      T0,
      { type: 'sale', amount: 1234 },
      {
        started: false,
        ended: {
          outcome: 'failed',
          at: T0 + 100,
          error: { code: 'refused', message: 'terminal refused the request: TSI busy' },
        },
      },
    );
    const copy = recalled(new Date(T0 + 20_000), { type: 'sale', transaction_amount: '1234' });
    expect(judge([busy], copy, context()).get('b')?.verdict).toBe('recovered');
    const before = recalled(new Date(T0 - 10_000), { type: 'sale', transaction_amount: '1234' });
    expect(judge([busy], before, context()).get('b')?.verdict).toBe('still_unknown');
  });

  it('a time outside the window is no match, even with the same amount', () => {
    const answer = recalled(new Date(T0 + 30 * 60_000), { type: 'sale', transaction_amount: '1234' });
    expect(judge([flow('a', T0, { type: 'sale', amount: 1234 })], answer, context()).get('a')?.verdict).toBe(
      'still_unknown',
    );
  });

  it('a reference owned by an earlier flow rules the candidate out (never ran); by a later one, unknown', () => {
    const answer = recalled(new Date(T0 + 1_000), {
      type: 'sale',
      transaction_amount: '1234',
      reference_no: '7',
    });
    const earlier = judge(
      [flow('a', T0, { type: 'sale', amount: 1234 })],
      answer,
      context(() => ({ flowId: 'x', sentAt: T0 - 1 })),
    );
    expect(earlier.get('a')?.verdict).toBe('not_found');
    const later = judge(
      [flow('a', T0, { type: 'sale', amount: 1234 })],
      answer,
      context(() => ({ flowId: 'x', sentAt: T0 + 1 })),
    );
    expect(later.get('a')?.verdict).toBe('still_unknown');
  });

  it('only the most recent matching flow is recovered', () => {
    const answer = recalled(new Date(T0 + 5_000), { type: 'sale', transaction_amount: '1234' });
    const verdicts = judge(
      [
        flow('old', T0 - 1_000, { type: 'sale', amount: 1234 }),
        flow('new', T0, { type: 'sale', amount: 1234 }),
      ],
      answer,
      context(),
    );
    expect([verdicts.get('new')?.verdict, verdicts.get('old')?.verdict]).toEqual([
      'recovered',
      'still_unknown',
    ]);
  });

  it('a terminal with no transaction at all: nothing ran', () => {
    const answer = readRecall({ status: 'completed', results: [{ status: 'transaction_record_not_found' }] });
    expect(answer?.kind).toBe('none');
    expect(judge([flow('a', T0, { type: 'sale', amount: 1 })], answer!, context()).get('a')?.verdict).toBe(
      'not_found',
    );
  });
});

describe('keyState', () => {
  const base = flow('a', T0, { type: 'sale', amount: 1 });
  const final = { status: 'completed', results: [{ status: 'approved' }] };
  it.each([
    ['no flow', undefined, 'fresh'],
    ['final acked', { ...base, final, finalAcked: true }, 'known'],
    ['final, ended completed', { ...base, final, ended: { outcome: 'completed' as const, at: T0 } }, 'known'],
    ['final not acked', { ...base, final }, 'unknown'],
    ['refused', { ...base, ended: { outcome: 'failed' as const, at: T0 } }, 'fresh'],
    ['ended unknown', { ...base, ended: { outcome: 'unknown' as const, at: T0 } }, 'unknown'],
    ['never ended', base, 'unknown'],
    [
      'recovered',
      { ...base, reconciled: { verdict: 'recovered' as const, at: T0, resource: final } },
      'known',
    ],
    ['not found', { ...base, reconciled: { verdict: 'not_found' as const, at: T0 } }, 'fresh'],
    ['still unknown', { ...base, reconciled: { verdict: 'still_unknown' as const, at: T0 } }, 'unknown'],
  ])('%s → %s', (_label, summary, kind) => {
    expect(keyState(summary as FlowSummary | undefined).kind).toBe(kind);
  });
});
