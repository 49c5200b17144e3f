import { FlowRefusedError } from '@bluechip-ws/core';
import type { Progress } from '../outcome.js';
import { kindOfType } from './flow-kind.js';
import type { LiveFlows } from './live-flows.js';
import { type ReferenceBook, referenceOf } from './references.js';

/** Told what became of an admitted operation, so recovery knows which flows are still running here. */
export interface FlowTracker {
  progress(progress: Progress): void;
  /** `detached`: the caller stopped waiting; the session still runs the flow. */
  end(how: 'complete' | 'error' | 'detached', error?: unknown): void;
}

/**
 * How an operation ended, as far as recovery cares: `settled` needs nothing more; the others may leave a
 * flow the terminal ran without this process knowing its result, so reconciliation should look again.
 */
export type Ending =
  | 'settled'
  /** The caller stopped waiting; the session runs the flow on. */
  | 'detached'
  /** A transaction refused "TSI busy": the refusal may be for a duplicate while the first copy runs. */
  | 'busy_refused'
  /** The request may have reached the terminal and no final result came back. */
  | 'unknown';

export function endingOf(type: string, how: 'complete' | 'error' | 'detached', error?: unknown): Ending {
  if (how === 'detached') return 'detached';
  if (how !== 'error') return 'settled';
  if (isBusyRefusalError(error) && kindOfType(type) === 'transaction') return 'busy_refused';
  return isOutcomeUnknown(error) ? 'unknown' : 'settled';
}

export interface TrackedFlow {
  readonly flowId: string;
  /** The request's `type`. */
  readonly type: string;
}

export interface TrackerContext {
  readonly flows: LiveFlows;
  readonly references: ReferenceBook;
  /** Told once, after the bookkeeping, how the operation ended. */
  readonly ended: (ending: Ending) => void;
}

/** The tracker of one admitted flow, sent at `sentAt`. */
export function trackFlow(context: TrackerContext, flow: TrackedFlow, sentAt: number): FlowTracker {
  let ended = false;
  return {
    progress: (progress) => {
      // Only a transaction owns its reference: a recall's result carries the recalled one's.
      if (progress.type !== 'final' || kindOfType(flow.type) !== 'transaction') return;
      const reference = referenceOf(progress.outcome.raw);
      if (reference !== undefined) context.references.note(reference, flow.flowId, sentAt);
    },
    end: (how, error) => {
      if (ended) return;
      ended = true;
      const ending = endingOf(flow.type, how, error);
      noteEnding(context.flows, flow.flowId, ending);
      context.ended(ending);
    },
  };
}

/** A detached flow stays live (it still holds its key); a busy refusal is kept for reconciliation to check. */
function noteEnding(flows: LiveFlows, flowId: string, ending: Ending): void {
  if (ending === 'detached') {
    flows.detach(flowId);
    return;
  }
  flows.end(flowId);
  if (ending === 'busy_refused') flows.suspect(flowId);
}

function isBusyRefusalError(error: unknown): boolean {
  return error instanceof FlowRefusedError && error.terminalBusy;
}

function isOutcomeUnknown(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { outcomeUnknown?: unknown }).outcomeUnknown === true
  );
}
