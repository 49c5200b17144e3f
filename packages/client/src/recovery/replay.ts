import type { FlowSummary, JsonObject } from '@bluechip-ws/core';
import { classifyFinal } from '@bluechip-ws/protocol';
import type { TransactionOutcome } from '../outcome.js';
import { requestType } from './flow-kind.js';

/**
 * A flow's outcome rebuilt from the journal, marked `replayed: true`: either the final result the journal
 * holds, or the result reconciliation recovered. Nothing is left to ack, so `ack()` does nothing.
 */
export function replayedOutcome(flow: FlowSummary, resource: JsonObject): TransactionOutcome {
  const classified = classifyFinal(resource, flow.request);
  return {
    kind: classified.kind,
    flowId: flow.flowId,
    type: requestType(flow.request),
    status: classified.status,
    results: classified.results,
    raw: classified.raw,
    source: 'event',
    replayed: true,
    ack: () => undefined,
    ...(classified.resultStatus === undefined ? {} : { resultStatus: classified.resultStatus }),
    ...(classified.result === undefined ? {} : { result: classified.result }),
    ...(classified.errorInfo === undefined ? {} : { errorInfo: classified.errorInfo }),
    ...(classified.partial === undefined ? {} : { partial: classified.partial }),
  };
}

/** The result a settled flow ended with: recovered by reconciliation, or its own final event. */
export function knownResult(flow: FlowSummary): JsonObject | undefined {
  if (flow.reconciled?.verdict === 'recovered') return flow.reconciled.resource ?? flow.final;
  return flow.final;
}
