import { DEFAULT_TIMEOUTS, type FlowTimeouts, type FlowUpdate, type Session } from '@bluechip-ws/core';
import { ENDPOINTS } from '@bluechip-ws/protocol';
import { type RecallAnswer, readRecall } from './recalled.js';

export type RecallOutcome =
  | { readonly ok: true; readonly flowId: string; readonly answer: RecallAnswer }
  | { readonly ok: false; readonly flowId: string; readonly reason: string };

export const DEFAULT_RECALL_TIMEOUTS: FlowTimeouts = {
  ...DEFAULT_TIMEOUTS,
  responseMs: 10_000,
  eventGapMs: 30_000,
  flowMs: 60_000,
};

/**
 * Asks the terminal for its last transaction, straight through the session (no recovery gate, so it never
 * waits for itself). The recall is journaled like any flow. Never rejects: a failure is an outcome.
 */
export function recallLastTransaction(
  session: Session,
  flowId: string,
  timeouts: Partial<FlowTimeouts>,
): Promise<RecallOutcome> {
  return new Promise((resolve) => {
    let answered = false;
    const finish = (outcome: RecallOutcome) => {
      if (answered) return;
      answered = true;
      resolve(outcome);
    };
    session
      .flow(ENDPOINTS.payment, { type: 'recall_last_transaction' }, { flowId, ackMode: 'auto', timeouts })
      .subscribe({
        next: (update: FlowUpdate) => {
          if (update.type !== 'event' || !update.final) return;
          if (update.outcome?.kind === 'error') {
            finish({
              ok: false,
              flowId,
              reason: `the recall ended in error (${describeError(update.resource)})`,
            });
            return;
          }
          const answer = readRecall(update.resource);
          finish(
            answer === undefined
              ? { ok: false, flowId, reason: 'the recall carried no result' }
              : { ok: true, flowId, answer },
          );
        },
        error: (error: unknown) =>
          finish({ ok: false, flowId, reason: error instanceof Error ? error.message : String(error) }),
        complete: () => finish({ ok: false, flowId, reason: 'the recall ended without a result' }),
      });
  });
}

function describeError(resource: Readonly<Record<string, unknown>>): string {
  const info = resource.error_info;
  if (typeof info === 'object' && info !== null && 'text' in info) return String(info.text);
  return String(resource.status);
}
