import { asyncScheduler, BehaviorSubject, type Observable, type SchedulerLike } from 'rxjs';
import type { Outcome } from './outcomes.js';

/**
 * The customer at an interactive simulator: what they can do at the terminal while a sale-like flow waits
 * for them. `busy` is not about the flow: it toggles the terminal's "occupied" state (someone at its menu),
 * in which every request is refused with the busy text.
 */
export type CustomerAction =
  | 'approve'
  | 'decline'
  | 'wrong_pin'
  | 'cancel'
  | 'walk_away'
  | 'pull_cable'
  | 'busy';

export const CUSTOMER_ACTIONS: readonly CustomerAction[] = [
  'approve',
  'decline',
  'wrong_pin',
  'cancel',
  'walk_away',
  'pull_cable',
  'busy',
];

/** What the flow waiting for the customer asks. */
export interface CustomerPrompt {
  readonly flowId: string;
  readonly type: string;
  /** Cents, when the request carries one. */
  readonly amount: number | undefined;
}

/** What the screen shows once a waiting flow was decided (or its link was lost). */
export type EndScreen = 'approved' | 'declined' | 'wrong_pin' | 'cancelled' | 'timed_out' | 'link_lost';

/** The terminal's screen as the customer sees it. */
export type CustomerScreen =
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy' }
  | (CustomerPrompt & {
      readonly kind: 'present_card';
      /** Scheduler time at which the customer is taken to have walked away. */
      readonly deadline: number;
    })
  | {
      readonly kind: EndScreen;
      readonly flowId: string;
      readonly amount: number | undefined;
    };

/** How the flow goes on: the outcome as the amount table would have picked it, plus fault and fields. */
export interface CustomerDecision {
  readonly action: Exclude<CustomerAction, 'busy'>;
  readonly outcome: Outcome;
  /** Fields merged into `results[0]` of the final event. */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** Record the approved transaction, then drop the link before the final event is sent. */
  readonly dropLink?: boolean;
}

export interface CustomerDeskOptions {
  /** How long a flow waits for the customer before it ends as timed out (walk away). Default 60 000 ms. */
  readonly timeoutMs?: number;
  /** Runs the timeout; pass the engine's virtual scheduler in tests. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

const DECISIONS: Readonly<Record<Exclude<CustomerAction, 'busy'>, Omit<CustomerDecision, 'action'>>> = {
  approve: { outcome: 'approved' },
  decline: { outcome: 'declined' },
  wrong_pin: {
    outcome: 'declined',
    fields: { host_response_code: '55', host_response_text: 'INCORRECT PIN' },
  },
  cancel: { outcome: 'cancelled' },
  walk_away: { outcome: 'timed_out' },
  pull_cable: { outcome: 'approved', dropLink: true },
};

const SCREEN_AFTER: Readonly<Record<Exclude<CustomerAction, 'busy'>, EndScreen>> = {
  approve: 'approved',
  decline: 'declined',
  wrong_pin: 'wrong_pin',
  cancel: 'cancelled',
  walk_away: 'timed_out',
  pull_cable: 'link_lost',
};

interface Waiting {
  readonly prompt: CustomerPrompt;
  readonly answer: (decision: CustomerDecision) => void;
  readonly timer: { unsubscribe(): void };
}

/**
 * The seam between an interactive simulator and whoever plays the customer (a console page, a test): a flow
 * asks with `wait`, the customer answers with `act`, and the desk's own timeout answers `walk_away` when
 * nobody does. One flow waits at a time (the terminal serves one flow at a time).
 */
export class CustomerDesk {
  readonly timeoutMs: number;
  private readonly scheduler: SchedulerLike;
  private readonly screenSubject = new BehaviorSubject<CustomerScreen>({ kind: 'idle' });
  private waiting: Waiting | undefined;
  private occupied = false;

  /** The screen now and at every change. */
  readonly screen$: Observable<CustomerScreen> = this.screenSubject.asObservable();

  constructor(options: CustomerDeskOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive integer, got ${options.timeoutMs}`);
    }
    this.scheduler = options.scheduler ?? asyncScheduler;
  }

  get screen(): CustomerScreen {
    return this.screenSubject.value;
  }

  /** True while the terminal is occupied (`busy` action): requests are refused busy. */
  get busy(): boolean {
    return this.occupied;
  }

  /** The flow waiting for the customer, if any. */
  get prompt(): CustomerPrompt | undefined {
    return this.waiting?.prompt;
  }

  /**
   * A flow waits for the customer. `answer` is called once, with the customer's decision or `walk_away` at
   * the timeout, unless the returned function is called first (the flow ended some other way).
   */
  wait(prompt: CustomerPrompt, answer: (decision: CustomerDecision) => void): () => void {
    this.withdraw();
    const timer = this.scheduler.schedule(() => this.decide('walk_away'), this.timeoutMs);
    const waiting: Waiting = { prompt, answer, timer };
    this.waiting = waiting;
    this.screenSubject.next({
      kind: 'present_card',
      ...prompt,
      deadline: this.scheduler.now() + this.timeoutMs,
    });
    return () => {
      if (this.waiting !== waiting) return;
      this.withdraw();
      this.screenSubject.next({ kind: 'link_lost', flowId: prompt.flowId, amount: prompt.amount });
    };
  }

  /**
   * The customer acts. False when the action has nothing to act on (no flow waits); `busy` always applies
   * and toggles the terminal's occupied state.
   */
  act(action: CustomerAction): boolean {
    if (action === 'busy') {
      this.occupied = !this.occupied;
      if (this.waiting === undefined) this.screenSubject.next({ kind: this.occupied ? 'busy' : 'idle' });
      return true;
    }
    if (this.waiting === undefined) return false;
    this.decide(action);
    return true;
  }

  private decide(action: Exclude<CustomerAction, 'busy'>): void {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.withdraw();
    const { prompt } = waiting;
    this.screenSubject.next({ kind: SCREEN_AFTER[action], flowId: prompt.flowId, amount: prompt.amount });
    waiting.answer({ action, ...DECISIONS[action] });
  }

  private withdraw(): void {
    this.waiting?.timer.unsubscribe();
    this.waiting = undefined;
  }
}
