import type { FlowSummary, Journal, Session } from '@bluechip-ws/core';
import { isBusyRefusal } from './idempotency.js';
import type { LiveFlows } from './live-flows.js';
import { DEFAULT_RECALL_TIMEOUTS } from './recall.js';
import { type ReconcilerContext, reconcileOnce } from './reconciler.js';
import type { ReferenceBook } from './references.js';
import type { RunResult } from './run-scheduler.js';
import type { ReconcileReport, RecoveryOptions } from './types.js';
import type { VerdictRecord } from './verdict-record.js';

const DEFAULT_TOLERANCE_MS = 120_000;
const DEFAULT_MATCH_TOLERANCE_MS = 5_000;

export interface ReconcileRunContext {
  readonly session: Session;
  readonly journal: Journal;
  readonly nextFlowId: () => string;
  readonly now: () => number;
  readonly options?: RecoveryOptions;
  readonly flows: LiveFlows;
  readonly references: ReferenceBook;
  readonly verdicts: Pick<VerdictRecord, 'noteRun' | 'pending'>;
}

/**
 * The scheduler's job: one reconciliation over the journal's open flows and the busy refusals this process
 * suspects, with what this process knows (flows still running here, references it saw). It asks for
 * another run while transactions stay unchecked or aborted flows still run.
 */
export function reconcileJob(context: ReconcileRunContext): () => Promise<RunResult<ReconcileReport>> {
  const reconciler = reconcilerContext(context);
  return async () => {
    const suspects = context.flows.suspected();
    const extra = await stillSuspect(context.journal, suspects);
    const report = await reconcileOnce(reconciler, extra);
    clearSettledSuspects(context.flows, suspects, extra, report);
    context.verdicts.noteRun(report);
    return { value: report, again: context.verdicts.pending.length > 0 || context.flows.hasDetached() };
  };
}

function reconcilerContext(context: ReconcileRunContext): ReconcilerContext {
  const { flows, options } = context;
  return {
    session: context.session,
    journal: context.journal,
    nextFlowId: context.nextFlowId,
    now: context.now,
    clock: {
      toleranceMs: options?.clockToleranceMs ?? DEFAULT_TOLERANCE_MS,
      matchToleranceMs: options?.matchToleranceMs ?? DEFAULT_MATCH_TOLERANCE_MS,
    },
    recallTimeouts: { ...DEFAULT_RECALL_TIMEOUTS, ...options?.recallTimeouts },
    references: context.references,
    isLive: (flow) => flows.isLive(flow),
    sentHere: (flowId) => flows.sentHere(flowId),
  };
}

/** The suspects the journal still shows as busy refusals: reconciled as if open. */
async function stillSuspect(journal: Journal, suspects: readonly string[]): Promise<FlowSummary[]> {
  const flows = await Promise.all(suspects.map((id) => journal.flow(id)));
  return flows.filter((flow): flow is FlowSummary => flow !== undefined && isBusyRefusal(flow));
}

/** A suspect stays while its verdict is `still_unknown`; settled or no longer a busy refusal, it goes. */
function clearSettledSuspects(
  flows: LiveFlows,
  suspects: readonly string[],
  extra: readonly FlowSummary[],
  report: ReconcileReport,
): void {
  const settled = new Set(report.flows.filter((f) => f.verdict !== 'still_unknown').map((f) => f.flowId));
  for (const id of suspects) {
    if (settled.has(id) || !extra.some((flow) => flow.flowId === id)) flows.clearSuspect(id);
  }
}
