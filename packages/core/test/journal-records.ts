import type { JournalRecord } from '../src/index.js';

/** Small builders for journal records in tests. */
export const sent = (flowId: string, at = 1, idempotencyKey?: string): JournalRecord => ({
  kind: 'request_sent',
  flowId,
  at,
  endpoint: '/tsi/v1/payment',
  resource: { type: 'sale', amount: 6417 },
  ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
});
export const started = (flowId: string, at = 2): JournalRecord => ({ kind: 'started', flowId, at });
export const event = (flowId: string, status: string, final: boolean, at = 3): JournalRecord => ({
  kind: 'event',
  flowId,
  at,
  status,
  final,
  resource: { status, results: [{ status: 'approved' }] },
});
export const acked = (flowId: string, status: string, at = 4): JournalRecord => ({
  kind: 'ack_sent',
  flowId,
  at,
  status,
});
export const ended = (
  flowId: string,
  outcome: 'completed' | 'failed' | 'unknown',
  at = 5,
): JournalRecord => ({ kind: 'flow_ended', flowId, at, outcome });
export const reconciled = (
  flowId: string,
  verdict: 'recovered' | 'not_found' | 'still_unknown' | 'failed',
  at = 6,
): JournalRecord => ({ kind: 'reconciled', flowId, at, verdict });

/** A whole successful flow: sent, started, final event, acked, ended. */
export const completedFlow = (flowId: string, idempotencyKey?: string): JournalRecord[] => [
  sent(flowId, 1, idempotencyKey),
  started(flowId),
  event(flowId, 'completed', true),
  acked(flowId, 'completed'),
  ended(flowId, 'completed'),
];
