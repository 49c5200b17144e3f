import type { JsonObject } from '@bluechip-ws/protocol';
import type { DisconnectPoint, GarbagePoint } from './scenario.js';

/** One event the terminal will send, after `delayMs` (counted from the response or the previous ack). */
export interface PlannedEvent {
  readonly resource: JsonObject;
  readonly delayMs: number;
}

/** A request the terminal refuses: `response` `status:"error"`, no events. */
export interface Rejection {
  readonly kind: 'reject';
  readonly text: string;
  readonly code: string;
}

/** Everything the terminal will do for one accepted request, decided when the request arrives. */
export interface FlowPlan {
  readonly kind: 'flow';
  /** In order; the last one is final. Empty: no event is ever sent. */
  readonly events: readonly PlannedEvent[];
  /**
   * Records the outcome (batch, last transaction, clock). Run once: when the final event is first sent, or
   * when the flow ends without it (abandoned, or link dropped under `onLinkDrop: 'complete'`).
   */
  readonly commit: () => void;
  readonly dropAfterResponse: boolean;
  readonly duplicateFinal: boolean;
  readonly malformedBeforeFinal: boolean;
  readonly disconnect: DisconnectPoint | undefined;
  /** The first event goes out before the `started` response. */
  readonly eventBeforeResponse: boolean;
  /** Where garbage frames are sent. */
  readonly garbage: readonly GarbagePoint[];
  /** Acks of this flow to treat as lost. */
  readonly ignoreAcks: number;
  readonly ackTimeoutMs: number;
  readonly resendLimit: number;
}

export function reject(text: string, code = '1'): Rejection {
  return { kind: 'reject', text, code };
}
