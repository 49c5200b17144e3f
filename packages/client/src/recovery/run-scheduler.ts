import { handleClosedError } from './errors.js';

/** What one run gives back: its value, and whether it left work for another run. */
export interface RunResult<R> {
  readonly value: R;
  /** True when the run could not finish the work (something to look at again before the next operation). */
  readonly again: boolean;
}

/**
 * Runs a job one at a time and keeps the one flag that says a run is due. Reconciliation sends a recall
 * through the session and judges against the terminal's last transaction, so two runs at once would judge
 * against each other's recall.
 *
 * Coalescing: a request while nothing runs starts a run; a request while one runs queues exactly one more,
 * and every request made before that one starts shares it (it starts after all of them, so it sees what
 * each caller wanted it to see). A due run does not start by itself: the gate starts it before the next
 * operation (`settle`), or a trigger asks for it.
 */
export class RunScheduler<R> {
  private due = false;
  private running: Promise<R> | undefined;
  private queued: Promise<R> | undefined;
  private closed = false;

  constructor(
    private readonly job: () => Promise<RunResult<R>>,
    /** Told of each run's value once the scheduler has taken in what the run left due. */
    private readonly onValue: (value: R) => void = () => undefined,
  ) {}

  /** The one way work becomes due; only a run that starts afterwards clears it. */
  markDue(): void {
    this.due = true;
  }

  /** Nothing due, running or queued: an operation need not wait. */
  get idle(): boolean {
    return !this.due && this.running === undefined;
  }

  /** A run that starts after this call; rejects with `RecoveryError('closed')` once closed. */
  request(): Promise<R> {
    if (this.closed) return Promise.reject(handleClosedError());
    if (this.queued !== undefined) return this.queued;
    if (this.running === undefined) return this.start();
    const queued = this.running.then(this.startQueued, this.startQueued);
    this.queued = queued;
    return queued;
  }

  /** Waits for the due run, or for the running (and queued) one; resolves at once when idle. */
  async settle(): Promise<void> {
    if (this.due) await this.request();
    else await (this.queued ?? this.running);
  }

  /** New requests reject; a queued run that has not started rejects instead of starting. */
  close(): void {
    this.closed = true;
  }

  private readonly startQueued = (): Promise<R> => {
    this.queued = undefined;
    if (this.closed) return Promise.reject(handleClosedError());
    return this.start();
  };

  private start(): Promise<R> {
    // A microtask first: a trigger may ask from inside a session emission, and the job calls the session.
    const run = Promise.resolve().then(() => this.runJob());
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  private async runJob(): Promise<R> {
    this.due = false;
    let result: RunResult<R>;
    try {
      result = await this.job();
    } catch (error) {
      this.markDue();
      throw error;
    }
    if (result.again) this.markDue();
    this.onValue(result.value);
    return result.value;
  }
}
