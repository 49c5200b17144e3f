import type { FlowSummary, JsonObject } from '@bluechip-ws/core';
import { requestAmount, requestType } from './flow-kind.js';
import { isBusyRefusal } from './idempotency.js';
import {
  describeRecalled,
  formatCents,
  localTime,
  type RecallAnswer,
  type RecalledTransaction,
} from './recalled.js';

/** A verdict for one flow, before it is written. `retry`: the terminal could not be asked; try again later. */
export type Judgement =
  | { readonly verdict: 'recovered'; readonly note: string }
  | { readonly verdict: 'not_found'; readonly note: string }
  | { readonly verdict: 'still_unknown'; readonly note: string; readonly retry: boolean };

/** Who already owns a transaction reference (a flow whose result carried it). */
export type ReferenceOwner = (
  referenceNo: string,
) => { readonly flowId: string; readonly sentAt?: number } | undefined;

/**
 * How far the terminal's clock may be from the POS clock. Two tolerances, because they err in opposite
 * directions: `not_found` ("the last transaction is older than the request") is only safe beyond the largest
 * plausible clock difference, while a match is only safe close to the request (a same-amount sale a minute
 * earlier must not be taken for it). Between the two the verdict is `still_unknown`.
 */
export interface ClockModel {
  /** Largest plausible difference between the two clocks: `not_found` needs the transaction older than this. */
  readonly toleranceMs: number;
  /** How long before the request (on the POS clock) a matching transaction may be stamped. */
  readonly matchToleranceMs: number;
}

export interface JudgeContext {
  readonly clock: ClockModel;
  /** Now, on the POS clock: the latest a flow that never ended can have run. */
  readonly now: number;
  readonly owner: ReferenceOwner;
}

/** How early a busy-refused request's running copy may be stamped (the results' 1 s resolution, and some). */
const BUSY_COPY_MS = 2_000;

/** Request fields the terminal echoes in results: when both sides have one, they must agree. */
const ECHOED = ['invoice_no', 'order_number', 'clerk_id'] as const;

/**
 * Decides every transaction flow left open from one recall. The terminal keeps only its last transaction, so
 * at most one flow can be recovered: of those matching by type, amount, echoed fields, time and reference,
 * the one sent last before the transaction was stamped. A flow the last transaction is certainly older than
 * never ran (`not_found`), nor did one sent after the matched flow. Anything else cannot be told from the
 * recall (`still_unknown`, with what the operator should check).
 */
export function judge(
  candidates: readonly FlowSummary[],
  answer: RecallAnswer,
  context: JudgeContext,
): Map<string, Judgement> {
  const verdicts = new Map<string, Judgement>();
  if (answer.kind === 'none') {
    for (const flow of candidates) {
      verdicts.set(flow.flowId, {
        verdict: 'not_found',
        note: 'the terminal reports no transaction at all: this request never ran',
      });
    }
    return verdicts;
  }
  const tx = answer.transaction;
  const newestFirst = [...candidates].sort((a, b) => (b.sentAt ?? 0) - (a.sentAt ?? 0));
  const matched = closest(
    newestFirst.filter((flow) => matches(flow, tx, context)),
    tx,
  );
  for (const flow of newestFirst) {
    // A flow sent after the one the transaction belongs to came later: had it run, it would be the last.
    const after = matched?.sentAt !== undefined && flow.sentAt !== undefined && flow.sentAt > matched.sentAt;
    if (flow === matched) {
      verdicts.set(flow.flowId, {
        verdict: 'recovered',
        note: `recovered from the terminal's last transaction (${describeRecalled(tx)})`,
      });
    } else if (after) {
      verdicts.set(flow.flowId, {
        verdict: 'not_found',
        note: `the terminal's last transaction (${describeRecalled(tx)}) is flow ${matched?.flowId}'s, sent before this request: it never ran`,
      });
    } else if (isOlderThan(tx, flow, context)) {
      verdicts.set(flow.flowId, {
        verdict: 'not_found',
        note: `the terminal's last transaction (${describeRecalled(tx)}) is older than this request: it never ran`,
      });
    } else {
      verdicts.set(flow.flowId, {
        verdict: 'still_unknown',
        retry: false,
        note:
          `the terminal's last transaction (${describeRecalled(tx)}) is not this one and may be newer; ` +
          `check the terminal's detail report for ${describeRequest(flow)}`,
      });
    }
  }
  return verdicts;
}

/** The verdict for flows the terminal could not be asked about. */
export function unreachable(flow: FlowSummary, why: string): Judgement {
  return {
    verdict: 'still_unknown',
    retry: true,
    note:
      `could not ask the terminal (${why}); reconciliation runs again after the next reconnect or before the ` +
      `next transaction. If this persists, check the terminal's detail report for ${describeRequest(flow)}`,
  };
}

/** "a sale of 12.34 sent at 2026-11-27 03:01:15 (invoice_no 42)": what to look for on a terminal report. */
export function describeRequest(flow: FlowSummary): string {
  const type = requestType(flow.request);
  const amount = requestAmount(flow.request);
  const what = amount === undefined ? `a ${type}` : `a ${type} of ${formatCents(amount)}`;
  const when = flow.sentAt === undefined ? '' : ` sent at ${localTime(flow.sentAt)}`;
  const echoed = ECHOED.flatMap((key) => {
    const value = flow.request?.[key];
    return typeof value === 'string' || typeof value === 'number' ? [`${key} ${value}`] : [];
  });
  const ref = flow.request?.reference_no;
  if (ref !== undefined) echoed.push(`reference_no ${String(ref)}`);
  return `${what}${when}${echoed.length === 0 ? '' : ` (${echoed.join(', ')})`}`;
}

/**
 * Of several flows that could be the transaction (a retry with the same amount, say), the one sent last
 * before it ran; a flow sent after the transaction's time (beyond the clock's 1 s resolution) comes last.
 */
function closest(flows: readonly FlowSummary[], tx: RecalledTransaction): FlowSummary | undefined {
  let best: FlowSummary | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const flow of flows) {
    const gap = (tx.at ?? 0) - (flow.sentAt ?? 0);
    const score = gap >= -1_000 ? gap : 1e15 - gap;
    if (score < bestScore) {
      best = flow;
      bestScore = score;
    }
  }
  return best;
}

function matches(flow: FlowSummary, tx: RecalledTransaction, context: JudgeContext): boolean {
  const request = flow.request;
  if (request === undefined || flow.sentAt === undefined || tx.at === undefined) return false;
  if (tx.type !== undefined && tx.type !== requestType(request)) return false;
  const amount = requestAmount(request);
  if (amount !== undefined && tx.amount !== undefined && amount !== tx.amount) return false;
  if (!echoesAgree(request, tx.result)) return false;
  // A void or tip adjustment names the transaction it changes.
  const target = request.reference_no;
  if (
    target !== undefined &&
    tx.originalReferenceNo !== undefined &&
    String(target) !== tx.originalReferenceNo
  )
    return false;
  if (tx.referenceNo !== undefined) {
    const owner = context.owner(tx.referenceNo);
    if (owner !== undefined && owner.flowId !== flow.flowId) return false;
  }
  const { matchToleranceMs, toleranceMs } = context.clock;
  if (isBusyRefusal(flow)) {
    // A busy refusal hides a running copy only if the copy arrived with it: stamped from its sending on,
    // and possibly long after the refusal (the copy runs on).
    return tx.at >= flow.sentAt - BUSY_COPY_MS && tx.at <= context.now + toleranceMs;
  }
  // Not stamped long before the request; a terminal clock running fast may stamp it late.
  const latest = flow.ended?.at ?? context.now;
  return tx.at >= flow.sentAt - matchToleranceMs && tx.at <= latest + toleranceMs;
}

function isOlderThan(tx: RecalledTransaction, flow: FlowSummary, context: JudgeContext): boolean {
  if (flow.sentAt === undefined) return false;
  if (tx.referenceNo !== undefined) {
    const owner = context.owner(tx.referenceNo);
    if (
      owner !== undefined &&
      owner.flowId !== flow.flowId &&
      owner.sentAt !== undefined &&
      owner.sentAt < flow.sentAt
    )
      return true;
  }
  return tx.at !== undefined && tx.at < flow.sentAt - context.clock.toleranceMs;
}

function echoesAgree(request: JsonObject, result: JsonObject): boolean {
  for (const key of ECHOED) {
    const sent = request[key];
    const got = result[key];
    if (sent === undefined || got === undefined) continue;
    if (String(sent) !== String(got)) return false;
  }
  return true;
}
