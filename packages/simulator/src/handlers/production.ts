import type { JsonObject } from '@bluechip-ws/protocol';
import type { Outcome } from '../outcomes.js';
import type { Rejection } from '../plan.js';
import type { RequestContext } from '../results.js';

/** What a request handler decides: the final results (or an error), optional proceed events, and how to record it. */
export interface Production {
  /** `results` of the final event. */
  readonly results?: readonly JsonObject[];
  /** When set, the final event is `status:"error"` with this `error_info` instead of results. */
  readonly errorInfo?: JsonObject;
  /** Resources of `proceed` events sent (each after an ack) before the final event. */
  readonly proceed?: readonly JsonObject[];
  /** Records the outcome; gets `results[0]` as finally sent (after scenario overrides), or undefined for an error. */
  readonly record?: (final: JsonObject | undefined) => void;
}

export type Handler = (ctx: RequestContext, outcome: Outcome) => Production | Rejection;
