import { asyncScheduler, BehaviorSubject, type Observable, type SchedulerLike } from 'rxjs';
import type { Outcome } from './outcomes.js';

/**
 * The customer at an interactive simulator: what they can do at the terminal while a sale-like flow waits
 * for them. `busy` is not about the flow: it toggles the terminal's "occupied" state (someone at its menu),
 * in which every request is refused with the busy text.
 */
export type CustomerAction =
  | 'approve'
  | 'insert_card'
  | 'enter_pin'
  | 'decline'
  | 'wrong_pin'
  | 'cancel'
  | 'walk_away'
  | 'pull_cable'
  | 'busy';

export const CUSTOMER_ACTIONS: readonly CustomerAction[] = [
  'approve',
  'insert_card',
  'enter_pin',
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
      /** `present_card`: tap, insert or swipe; `enter_pin`: a chip card is in, the PIN pad is up. */
      readonly kind: 'present_card' | 'enter_pin';
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
  readonly action: Exclude<CustomerAction, 'busy' | 'insert_card'>;
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

/** Actions that end the wait; `insert_card` only moves it to the PIN pad, `busy` is not about the flow. */
type DecidingAction = Exclude<CustomerAction, 'busy' | 'insert_card'>;

const DECISIONS: Readonly<Record<DecidingAction, Omit<CustomerDecision, 'action'>>> = {
  approve: { outcome: 'approved' },
  enter_pin: { outcome: 'approved' },
  decline: { outcome: 'declined' },
  wrong_pin: {
    outcome: 'declined',
    fields: { host_response_code: '55', host_response_text: 'INCORRECT PIN' },
  },
  cancel: { outcome: 'cancelled' },
  walk_away: { outcome: 'timed_out' },
  pull_cable: { outcome: 'approved', dropLink: true },
};

const SCREEN_AFTER: Readonly<Record<DecidingAction, EndScreen>> = {
  approve: 'approved',
  enter_pin: 'approved',
  decline: 'declined',
  wrong_pin: 'wrong_pin',
  cancel: 'cancelled',
  walk_away: 'timed_out',
  pull_cable: 'link_lost',
};

interface Waiting {
  readonly prompt: CustomerPrompt;
  readonly deadline: number;
  /** A chip card is in: the terminal asks for the PIN. */
  pinPad: boolean;
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
    const deadline = this.scheduler.now() + this.timeoutMs;
    const waiting: Waiting = { prompt, answer, timer, deadline, pinPad: false };
    this.waiting = waiting;
    this.screenSubject.next({ kind: 'present_card', ...prompt, deadline });
    return () => {
      if (this.waiting !== waiting) return;
      this.withdraw();
      this.screenSubject.next({ kind: 'link_lost', flowId: prompt.flowId, amount: prompt.amount });
    };
  }

  /**
   * The customer acts. False when the action has nothing to act on (no flow waits, `enter_pin` before a
   * chip card is in, `insert_card` twice); `busy` always applies and toggles the terminal's occupied state.
   * `insert_card` keeps the flow waiting, on the PIN pad, until the same deadline.
   */
  act(action: CustomerAction): boolean {
    if (action === 'busy') {
      this.occupied = !this.occupied;
      if (this.waiting === undefined) this.screenSubject.next({ kind: this.occupied ? 'busy' : 'idle' });
      return true;
    }
    const waiting = this.waiting;
    if (waiting === undefined) return false;
    if (action === 'insert_card') {
      if (waiting.pinPad) return false;
      waiting.pinPad = true;
      this.screenSubject.next({ kind: 'enter_pin', ...waiting.prompt, deadline: waiting.deadline });
      return true;
    }
    if (action === 'enter_pin' && !waiting.pinPad) return false;
    this.decide(action);
    return true;
  }

  private decide(action: DecidingAction): void {
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
