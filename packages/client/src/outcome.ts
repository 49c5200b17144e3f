import type { FlowEvent, FlowStarted } from '@bluechip-ws/core';
import {
  classifyFinal,
  type JsonObject,
  type Outcome,
  readResults,
  type TransactionResult,
} from '@bluechip-ws/protocol';
import { withPartialApproval } from '@bluechip-ws/protocol/internal';

/**
 * How an operation ended, once the terminal sent its final answer. Business outcomes (declined, cancelled,
 * timed out on user input, an error event after the start) are outcomes, not rejections: the promise
 * resolves with them. It rejects only when there is no final answer (refused, timed out, link lost…).
 * The protocol's `Outcome` fields (kind, status, result, results, errorInfo, raw) plus the flow's identity.
 */
export interface TransactionOutcome extends Outcome {
  readonly flowId: string;
  /** The request's `type` (`sale`, `terminal_info`…). */
  readonly type: string;
  /** `response` when the terminal answered `completed` at once, with no event. */
  readonly source: 'event' | 'response';
  /** True when nothing was sent: the outcome of an earlier flow with the same idempotency key (see recovery). */
  readonly replayed?: boolean;
  /**
   * Accepts the result: the session sends the `event_ack`. Needed only with `ackMode: 'manual'`; in auto
   * mode it was sent as soon as the outcome was delivered. Idempotent.
   */
  ack(): void;
}

/** What the Observable form of an operation emits, in order: `started`, any `proceed`, then `final`. */
export type Progress =
  | { readonly type: 'started'; readonly flowId: string; readonly resource: JsonObject }
  | {
      readonly type: 'proceed';
      readonly flowId: string;
      readonly status: string;
      readonly results: readonly TransactionResult[];
      readonly resource: JsonObject;
      /** Manual ack mode only; see `TransactionOutcome.ack`. */
      ack(): void;
    }
  | { readonly type: 'final'; readonly flowId: string; readonly outcome: TransactionOutcome; ack(): void };

/** `request`: the resource sent, so an approval for another amount is reported as `partially_approved`. */
export function toProgress(
  update: FlowStarted | FlowEvent,
  requestType: string,
  request?: JsonObject,
): Progress {
  if (update.type === 'started') {
    return { type: 'started', flowId: update.flowId, resource: update.resource };
  }
  const ack = () => update.ack();
  if (!update.final) {
    return {
      type: 'proceed',
      flowId: update.flowId,
      status: update.status,
      results: readResults(update.resource),
      resource: update.resource,
      ack,
    };
  }
  const first = update.outcome ?? classifyFinal(update.resource);
  const classified = request === undefined ? first : withPartialApproval(first, request);
  const outcome: TransactionOutcome = {
    kind: classified.kind,
    flowId: update.flowId,
    type: requestType,
    status: classified.status,
    results: classified.results,
    raw: classified.raw,
    source: update.source,
    ack,
    ...(classified.resultStatus === undefined ? {} : { resultStatus: classified.resultStatus }),
    ...(classified.result === undefined ? {} : { result: classified.result }),
    ...(classified.errorInfo === undefined ? {} : { errorInfo: classified.errorInfo }),
    ...(classified.partial === undefined ? {} : { partial: classified.partial }),
  };
  return { type: 'final', flowId: update.flowId, outcome, ack };
}
