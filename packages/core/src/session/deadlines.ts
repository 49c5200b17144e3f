import type { SchedulerLike } from 'rxjs';
import type { Flow } from './flow.js';

export type TimeoutCode = 'response_timeout' | 'event_timeout' | 'flow_timeout';

/**
 * The timeouts of every flow, on one scheduler action per flow. A flow has two deadlines at most: the whole
 * flow, and the current step (the response, or the gap until the next event). Moving a step deadline later,
 * as every ack does, leaves the scheduled action alone: it fires at the old time, finds nothing expired and
 * re-arms. Scheduling and cancelling timers was a visible share of a flow's cost, and each one held memory.
 */
export class Deadlines {
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly expired: (flow: Flow, code: TimeoutCode, afterMs: number) => void,
  ) {}

  /**
   * Sets the whole-flow deadline. `arm: false` when a step deadline follows at once (the request goes out on
   * an open link): the one action is then scheduled for the earlier of the two, instead of twice.
   */
  startFlow(flow: Flow, arm = true): void {
    flow.flowDeadline = this.scheduler.now() + flow.timeouts.flowMs;
    if (arm) this.arm(flow);
  }

  step(flow: Flow, code: 'response_timeout' | 'event_timeout'): void {
    flow.stepCode = code;
    const ms = code === 'response_timeout' ? flow.timeouts.responseMs : flow.timeouts.eventGapMs;
    flow.stepDeadline = this.scheduler.now() + ms;
    this.arm(flow);
  }

  /** No step is timed (an event is being handled, or the consumer decides). The whole-flow deadline stays. */
  clearStep(flow: Flow): void {
    flow.stepDeadline = Number.POSITIVE_INFINITY;
  }

  clear(flow: Flow): void {
    flow.timer?.unsubscribe();
    flow.timer = undefined;
    flow.stepDeadline = Number.POSITIVE_INFINITY;
    flow.flowDeadline = Number.POSITIVE_INFINITY;
  }

  private arm(flow: Flow): void {
    const due = Math.min(flow.flowDeadline, flow.stepDeadline);
    if (due === Number.POSITIVE_INFINITY) return;
    if (flow.timer !== undefined) {
      if (flow.timerAt <= due) return; // fires first, then re-arms
      flow.timer.unsubscribe();
    }
    flow.timerAt = due;
    flow.timer = this.scheduler.schedule(() => this.fire(flow), Math.max(0, due - this.scheduler.now()));
  }

  private fire(flow: Flow): void {
    flow.timer = undefined;
    const now = this.scheduler.now();
    if (now >= flow.flowDeadline) {
      this.expired(flow, 'flow_timeout', flow.timeouts.flowMs);
    } else if (now >= flow.stepDeadline) {
      const code = flow.stepCode;
      this.expired(
        flow,
        code,
        code === 'response_timeout' ? flow.timeouts.responseMs : flow.timeouts.eventGapMs,
      );
    } else {
      this.arm(flow);
    }
  }
}
