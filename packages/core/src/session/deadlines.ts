import type { SchedulerLike, Subscription } from 'rxjs';
import { DeadlineHeap, type HeapItem } from './deadline-heap.js';
import { TIMEOUT_STAGES, type TimeoutStage } from './timeout-stages.js';
import type { FlowTimeouts } from './types.js';

const NEVER = Number.POSITIVE_INFINITY;

/**
 * The deadlines of one flow and its place in the heap: fields written only by `Deadlines` (a flow asks it
 * to move them and never writes them itself). `Flow` extends it, so a flow is one object, not two: an
 * open flow's memory is what the session's scale rests on.
 */
export abstract class FlowClock implements HeapItem {
  heapKey = 0;
  heapIndex = -1;
  flowDeadline = NEVER;
  stepDeadline = NEVER;
  /** The stage whose deadline `stepDeadline` is. */
  stage: Exclude<TimeoutStage, 'flow'> = 'queue';

  constructor(readonly timeouts: FlowTimeouts) {}

  /** A deadline passed: told by `Deadlines`. */
  abstract expire(stage: TimeoutStage, ms: number): void;
}

/**
 * The timeouts of every flow of a session, on one scheduler action for the whole session. A flow has two
 * deadlines at most: the whole flow, and the current stage's (queued, response, event gap, ack; sized by
 * `TIMEOUT_STAGES`).
 * Flows sit in a min-heap keyed by when they must next be looked at; the action is scheduled for the top.
 * Moving a deadline later, as every ack does, does not touch the heap: the flow is looked at on its old key,
 * found not expired, and put back on its new one. A timer per flow cost ~350 bytes and a visible share of
 * each flow's CPU; the heap costs one small `FlowClock` per flow.
 * Times are kept relative to the session's start, so they stay small integers (no boxed doubles).
 */
export class Deadlines {
  private readonly heap = new DeadlineHeap<FlowClock>();
  private readonly epoch: number;
  private action: Subscription | undefined;
  private actionAt = NEVER;
  /**
   * The shortest timeout of any flow tracked so far: no deadline set from now on can fall before now + this.
   * The action is armed no later than that, so a new deadline (a flow's start, then its response stage) never
   * has to move it: a sequential flow arms it once, not once per stage.
   */
  private horizon = NEVER;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly expired: (clock: FlowClock, stage: TimeoutStage, afterMs: number) => void,
    /** The scheduler's time, possibly cached per frame (`FrameClock`); must follow the scheduler. */
    private readonly clock: () => number = () => scheduler.now(),
  ) {
    this.epoch = clock();
  }

  /** Flows with a pending deadline (for tests and diagnostics). */
  get pending(): number {
    return this.heap.size;
  }

  /** The flow leaves the queue: the whole-flow deadline starts, the queue's ends. */
  startFlow(clock: FlowClock): void {
    clock.flowDeadline = this.now() + clock.timeouts.flowMs;
    clock.stepDeadline = NEVER;
    this.track(clock);
  }

  /** The flow enters a stage: its deadline replaces the previous stage's. */
  step(clock: FlowClock, stage: Exclude<TimeoutStage, 'flow'>): void {
    clock.stage = stage;
    clock.stepDeadline = this.now() + msOf(clock, stage);
    this.track(clock);
  }

  /**
   * A final result was delivered and waits for the consumer's ack: only the ack stage bounds the flow now
   * (the terminal has answered, so the whole-flow deadline no longer applies).
   */
  awaitFinalAck(clock: FlowClock): void {
    clock.flowDeadline = NEVER;
    this.step(clock, 'ack');
  }

  /** No step is timed (an event is being handled, or the consumer decides). The whole-flow deadline stays. */
  clearStep(clock: FlowClock): void {
    clock.stepDeadline = NEVER;
  }

  /**
   * Forgets the flow's deadlines; every exit path calls it. When no flow waits any more the action is left
   * to fire (it finds nothing due and is not re-armed): a POS that sells one sale after another would
   * otherwise cancel it at the end of each sale and schedule it again at the start of the next, about 4% of
   * a sale's instructions end to end. So a process whose last flow ended may be held by that timer for up to
   * the shortest timeout of its flows (10 s by default), unless the session is closed.
   */
  clear(clock: FlowClock): void {
    clock.stepDeadline = NEVER;
    clock.flowDeadline = NEVER;
    this.heap.remove(clock);
  }

  /** Stops the one action; the session is closing. */
  dispose(): void {
    this.cancel();
  }

  private now(): number {
    return this.clock() - this.epoch;
  }

  private track(clock: FlowClock): void {
    const t = clock.timeouts;
    const shortest = Math.min(t.queueMs, t.responseMs, t.eventGapMs, t.ackMs, t.flowMs);
    if (shortest < this.horizon) this.horizon = shortest;
    const due = Math.min(clock.flowDeadline, clock.stepDeadline);
    if (due === NEVER) return;
    // Only an earlier deadline moves the flow in the heap; a later one is found when the old key comes up.
    if (clock.heapIndex < 0 || due < clock.heapKey) this.heap.set(clock, due);
    this.arm();
  }

  private arm(): void {
    const top = this.heap.peek();
    if (top === undefined) {
      this.cancel();
      return;
    }
    if (this.action !== undefined && this.actionAt <= top.heapKey) return; // fires first, then re-arms
    this.cancel();
    const now = this.now();
    // Early enough that no deadline set before it fires can be earlier (see `horizon`); it re-arms when it
    // fires, so a far deadline costs a wake-up per `horizon` while flows wait.
    const at = Math.min(top.heapKey, now + this.horizon);
    this.actionAt = at;
    this.action = this.scheduler.schedule(() => this.fire(), Math.max(0, at - now));
  }

  private cancel(): void {
    this.action?.unsubscribe();
    this.action = undefined;
    this.actionAt = NEVER;
  }

  private fire(): void {
    this.action = undefined;
    this.actionAt = NEVER;
    const now = this.now();
    for (let top = this.heap.peek(); top !== undefined && top.heapKey <= now; top = this.heap.peek()) {
      this.heap.remove(top);
      if (now >= top.flowDeadline) {
        this.expired(top, 'flow', top.timeouts.flowMs);
      } else if (now >= top.stepDeadline) {
        this.expired(top, top.stage, msOf(top, top.stage));
      } else {
        const due = Math.min(top.flowDeadline, top.stepDeadline);
        if (due !== NEVER) this.heap.set(top, due);
      }
    }
    this.arm();
  }
}

function msOf(clock: FlowClock, stage: TimeoutStage): number {
  return clock.timeouts[TIMEOUT_STAGES[stage].setting];
}
