import type { FlowSummary } from '@bluechip-ws/core';
import { isBusyMessage } from '@bluechip-ws/protocol';
import { knownResult } from './replay.js';

/** What an idempotency key's earlier flow allows. */
export type KeyState =
  /** Never used, or the earlier flow is known not to have run (refused, never sent, not found): send. */
  | { readonly kind: 'fresh' }
  /** The earlier flow has a known final result: return it, send nothing. */
  | { readonly kind: 'known'; readonly flow: FlowSummary }
  /** The earlier flow may or may not have run: reconcile before anything else. */
  | { readonly kind: 'unknown'; readonly flow: FlowSummary };

export function keyState(flow: FlowSummary | undefined): KeyState {
  if (flow === undefined) return { kind: 'fresh' };
  const verdict = flow.reconciled?.verdict;
  if (verdict === 'recovered' && knownResult(flow) !== undefined) return { kind: 'known', flow };
  if (verdict === 'not_found' || verdict === 'failed') return { kind: 'fresh' };
  if (flow.final !== undefined && (flow.finalAcked || flow.ended?.outcome === 'completed'))
    return { kind: 'known', flow };
  if (flow.final === undefined && flow.ended?.outcome === 'failed' && !isBusyRefusal(flow))
    return { kind: 'fresh' };
  return { kind: 'unknown', flow };
}

/**
 * A flow the terminal answered "TSI busy" and that reconciliation has not settled. Usually the terminal
 * was busy with another flow and this one never ran; but if the request reached it twice (a retry or a
 * duplicated frame), the busy answer is for the copy, and the first copy may be running. It is checked
 * like an unknown outcome before its key is used again.
 */
export function isBusyRefusal(flow: FlowSummary): boolean {
  const error = flow.ended?.error;
  return (
    (flow.reconciled === undefined || flow.reconciled.verdict === 'still_unknown') &&
    flow.final === undefined &&
    flow.ended?.outcome === 'failed' &&
    error?.code === 'refused' &&
    (error.busy === true || isBusyMessage(error.message))
  );
}
