import type { FlowTimeouts } from './types.js';

/**
 * Every deadline a flow can meet, in one table: the setting that sizes it, the error code a flow fails with,
 * what the message says, and whether the payment's outcome is then unknown. Every phase of a flow has one:
 * queued (`queue`), sent (`response`), started (`event_gap`), delivered and not yet acked (`ack`), and the
 * whole flow from dispatch to its final event (`flow`). Adding a stage is one row here.
 */
export type TimeoutStage = 'queue' | 'response' | 'event_gap' | 'ack' | 'flow';

export type TimeoutCode =
  | 'queue_timeout'
  | 'response_timeout'
  | 'event_timeout'
  | 'ack_timeout'
  | 'flow_timeout';

export interface TimeoutStageSpec {
  readonly setting: keyof FlowTimeouts;
  readonly code: TimeoutCode;
  /** What did not happen in time. */
  readonly what: string;
  /** Whether the request may have run with no final answer seen (`ack`: decided per event). */
  readonly outcomeUnknown: boolean;
}

export const TIMEOUT_STAGES: Readonly<Record<TimeoutStage, TimeoutStageSpec>> = {
  queue: {
    setting: 'queueMs',
    code: 'queue_timeout',
    what: 'the flow waited for a free slot',
    outcomeUnknown: false,
  },
  response: {
    setting: 'responseMs',
    code: 'response_timeout',
    what: 'no response to the request',
    outcomeUnknown: true,
  },
  event_gap: {
    setting: 'eventGapMs',
    code: 'event_timeout',
    what: 'no event from the terminal',
    outcomeUnknown: true,
  },
  ack: {
    setting: 'ackMs',
    code: 'ack_timeout',
    what: 'the consumer did not ack a delivered event',
    outcomeUnknown: true,
  },
  flow: {
    setting: 'flowMs',
    code: 'flow_timeout',
    what: 'the flow did not finish',
    outcomeUnknown: true,
  },
};

/** The stage a timeout code belongs to. */
export function stageOf(code: TimeoutCode): TimeoutStage {
  for (const [stage, spec] of Object.entries(TIMEOUT_STAGES))
    if (spec.code === code) return stage as TimeoutStage;
  throw new RangeError(`not a timeout code: ${code}`);
}
