import type {
  FlowSummary,
  FlowTimeouts,
  Journal,
  JournalRecord,
  JsonObject,
  Session,
} from '@bluechip-ws/core';
import { isOpenFlow } from '@bluechip-ws/core/internal';
import { RecoveryError } from './errors.js';
import { flowKind, requestAmount, requestType } from './flow-kind.js';
import { isBusyRefusal } from './idempotency.js';
import { type ClockModel, describeRequest, type Judgement, judge, unreachable } from './judge.js';
import { type RecallOutcome, recallLastTransaction } from './recall.js';
import { type ReferenceBook, referenceOf } from './references.js';
import { replayedOutcome } from './replay.js';
import type { ReconciledFlow, ReconcileReport, VerdictSource } from './types.js';

export interface ReconcilerContext {
  readonly session: Session;
  readonly journal: Journal;
  readonly nextFlowId: () => string;
  readonly now: () => number;
  readonly clock: ClockModel;
  readonly recallTimeouts: Partial<FlowTimeouts>;
  readonly references: ReferenceBook;
  /** A flow this process is still running: not reconciled (it is not lost, just not finished). */
  isLive(flow: FlowSummary): boolean;
  /** A flow this process sent: its request may still be on the current link. */
  sentHere(flowId: string): boolean;
}

interface Decided {
  readonly flow: FlowSummary;
  readonly judgement: Judgement | { readonly verdict: 'failed'; readonly note: string };
  readonly source: VerdictSource;
  readonly resource?: JsonObject;
}

/**
 * One reconciliation run: every open flow of the journal gets a verdict, written as a `reconciled` record.
 * Final results already journaled are recovered from the journal; transactions are matched against one
 * `recall_last_transaction`; flows that moved no money are closed; the rest are left for the operator.
 */
export async function reconcileOnce(
  context: ReconcilerContext,
  /** Settled flows to check all the same (busy refusals that may hide a running duplicate). */
  extra: readonly FlowSummary[] = [],
): Promise<ReconcileReport> {
  const listed = await read(() => context.journal.openFlows());
  const ids = new Set(listed.map((flow) => flow.flowId));
  const open = [...listed, ...extra.filter((flow) => !ids.has(flow.flowId))].filter(
    (flow) => !context.isLive(flow),
  );
  const decided: Decided[] = [];
  const candidates: FlowSummary[] = [];
  for (const flow of open) {
    const local = decideLocally(flow);
    if (local === undefined) candidates.push(flow);
    else decided.push(local);
  }
  let recall: RecallOutcome | undefined;
  if (candidates.length > 0) {
    fence(context, candidates);
    recall = await recallLastTransaction(context.session, context.nextFlowId(), context.recallTimeouts);
    // The recall took a while: a flow may have settled meanwhile (a late result), so read them again.
    const fresh = await Promise.all(candidates.map((flow) => read(() => context.journal.flow(flow.flowId))));
    const still = fresh.filter(
      (flow): flow is FlowSummary => flow !== undefined && (isOpenFlow(flow) || isBusyRefusal(flow)),
    );
    const toJudge: FlowSummary[] = [];
    for (const flow of still) {
      const local = decideLocally(flow);
      if (local === undefined) toJudge.push(flow);
      else decided.push(local);
    }
    decided.push(...judgeAll(context, toJudge, recall));
  }
  const flows: ReconciledFlow[] = [];
  for (const item of decided) flows.push(await write(context, item));
  flows.sort((a, b) => (b.sentAt ?? 0) - (a.sentAt ?? 0));
  return {
    at: context.now(),
    flows,
    unresolved: flows.filter((flow) => flow.verdict === 'still_unknown').length,
    ...(recall === undefined ? {} : { recall: recallSummary(recall) }),
  };
}

/** A verdict that needs no terminal, or `undefined` for a transaction to match against the recall. */
function decideLocally(flow: FlowSummary): Decided | undefined {
  if (flow.final !== undefined) {
    return {
      flow,
      source: 'journal',
      resource: flow.final,
      judgement: {
        verdict: 'recovered',
        note: 'the final result was journaled when it arrived; it had not been acked to the terminal',
      },
    };
  }
  if (flow.request === undefined) {
    return {
      flow,
      source: 'not_recallable',
      judgement: {
        verdict: 'still_unknown',
        retry: false,
        note: 'the journal holds no request for this flow (an event for an unknown flow id?); check the terminal log',
      },
    };
  }
  const type = requestType(flow.request);
  const earlier = flow.reconciled;
  if (earlier?.verdict === 'still_unknown' && earlier.resource !== undefined) {
    // The terminal already showed a last transaction that was not this one and not older than it. Its last
    // transaction only moves forward, so no later recall can show this flow's: it is the operator's now.
    const note = earlier.note ?? `check the terminal's detail report for ${describeRequest(flow)}`;
    return {
      flow,
      source: 'recall',
      resource: earlier.resource,
      judgement: { verdict: 'still_unknown', note, retry: false },
    };
  }
  switch (flowKind(flow)) {
    case 'transaction':
      return undefined;
    case 'read_only':
      return {
        flow,
        source: 'read_only',
        judgement: {
          verdict: 'failed',
          note: `a ${type} moves no money: nothing to recover; send it again if needed`,
        },
      };
    case 'other':
      return {
        flow,
        source: 'not_recallable',
        judgement: {
          verdict: 'still_unknown',
          retry: false,
          note:
            `recall_last_transaction cannot show a ${type}; check the terminal (summary and detail reports, ` +
            `batch number) for ${describeRequest(flow)}`,
        },
      };
  }
}

function judgeAll(
  context: ReconcilerContext,
  flows: readonly FlowSummary[],
  recall: RecallOutcome,
): Decided[] {
  if (!recall.ok) {
    return flows.map((flow) => ({
      flow,
      source: 'unreachable',
      judgement: unreachable(flow, recall.reason),
    }));
  }
  const judged = judge(flows, recall.answer, {
    clock: context.clock,
    now: context.now(),
    owner: (ref) => context.references.owner(ref),
  });
  const resource = recall.answer.kind === 'found' ? recall.answer.transaction.resource : undefined;
  return flows.map((flow) => {
    const judgement = judged.get(flow.flowId) ?? unreachable(flow, 'no verdict');
    return {
      flow,
      source: 'recall',
      judgement,
      // A still_unknown verdict keeps the transaction the terminal showed instead (see decideLocally).
      ...(judgement.verdict !== 'not_found' && resource !== undefined ? { resource } : {}),
    };
  });
}

/**
 * A request of this process that timed out may still sit on the open link (delayed, or behind others). Closing
 * the link before the recall makes sure it cannot reach the terminal after the recall answered "not this one".
 * Only when no other flow uses the link.
 */
function fence(context: ReconcilerContext, candidates: readonly FlowSummary[]): void {
  if (!candidates.some((flow) => context.sentHere(flow.flowId))) return;
  context.session.closeIdleLink('reconciliation: no request may arrive after the recall');
}

async function write(context: ReconcilerContext, item: Decided): Promise<ReconciledFlow> {
  const { flow, judgement, source, resource } = item;
  const previous = flow.reconciled;
  const unchanged = previous?.verdict === judgement.verdict && previous.note === judgement.note;
  if (!unchanged) {
    const record: JournalRecord = {
      kind: 'reconciled',
      flowId: flow.flowId,
      at: context.now(),
      verdict: judgement.verdict,
      note: judgement.note,
      ...(resource === undefined ? {} : { resource }),
    };
    await read(async () => context.journal.append(record));
  }
  const reference = judgement.verdict === 'recovered' ? referenceOf(resource) : undefined;
  if (reference !== undefined) context.references.note(reference, flow.flowId, flow.sentAt);
  const amount = requestAmount(flow.request);
  return {
    flowId: flow.flowId,
    type: requestType(flow.request),
    verdict: judgement.verdict,
    source,
    note: judgement.note,
    ...(amount === undefined ? {} : { amount }),
    ...(flow.idempotencyKey === undefined ? {} : { idempotencyKey: flow.idempotencyKey }),
    ...(flow.sentAt === undefined ? {} : { sentAt: flow.sentAt }),
    ...(judgement.verdict === 'recovered' && resource !== undefined
      ? { outcome: replayedOutcome(flow, resource) }
      : {}),
  };
}

function recallSummary(recall: RecallOutcome): NonNullable<ReconcileReport['recall']> {
  if (!recall.ok) return { status: 'failed', flowId: recall.flowId, reason: recall.reason };
  if (recall.answer.kind === 'none') return { status: 'none', flowId: recall.flowId };
  return { status: 'found', flowId: recall.flowId, transaction: recall.answer.transaction };
}

/** Journal calls, with their failures as a typed `RecoveryError`. */
async function read<T>(call: () => Promise<T> | T): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw new RecoveryError(
      'journal_failed',
      `reconciliation could not use the journal: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}
