import type { CustomerDesk } from './customer.js';
import type { FlowPlan } from './plan.js';
import { planRequest } from './planner.js';
import type { CheckedRequest } from './request-check.js';
import type { TerminalState } from './results.js';
import type { ScenarioRule } from './scenario.js';

/** The engine's side of one interactive flow. */
export interface InteractiveHost {
  readonly state: TerminalState;
  readonly flowId: string;
  /** Answers `started` and holds the terminal with `plan`; returns whether the flow is still the active one. */
  start(plan: FlowPlan, stopWaiting: () => void): () => boolean;
  /** Refuses the request (no flow starts). */
  refuse(text: string, code: string): void;
  /** The customer decided: the flow goes on with `plan` (or the link is dropped after recording it). */
  proceed(plan: FlowPlan, dropLink: boolean): void;
}

/**
 * Starts a sale-like flow that waits for the customer: `started` goes out at once, as on a terminal showing
 * "tap, insert or swipe"; the events are planned only once the customer acted (or walked away at the desk's
 * timeout), with the outcome the action stands for. Refusals (batch full…) are decided up front, as usual.
 */
export function startWaitingFlow(
  desk: CustomerDesk,
  host: InteractiveHost,
  request: CheckedRequest,
  rule: ScenarioRule | undefined,
): void {
  // The probe only asks whether the request is refused: planned as cancelled, it allocates no reference
  // number and draws no card, so the real plan (after the customer acts) numbers sales one by one.
  const probe = planRequest(host.state, request, { ...rule, outcome: 'cancelled' });
  if (probe.kind === 'reject') {
    host.refuse(probe.text, probe.code);
    return;
  }
  const holding: FlowPlan = { ...probe, events: [], commit: () => undefined, dropAfterResponse: false };
  let stop: () => void = () => undefined;
  const stillActive = host.start(holding, () => stop());
  if (!stillActive()) return;
  stop = desk.wait({ flowId: host.flowId, type: request.type, amount: request.amount }, (decision) => {
    const planned = planRequest(host.state, request, {
      ...rule,
      outcome: decision.outcome,
      ...(decision.fields === undefined ? {} : { fields: { ...rule?.fields, ...decision.fields } }),
    });
    host.proceed(planned.kind === 'reject' ? probe : planned, decision.dropLink === true);
  });
}
