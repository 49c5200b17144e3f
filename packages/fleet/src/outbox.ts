import { type OutcomeRecord, type OutcomeStore, UnpublishableOutcomeError } from './outcome-store.js';

export interface OutboxLogger {
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** What the agent wants to hear about one record. */
export interface OutboxHooks {
  /** Called once the stream has it (marks the write-ahead log). */
  readonly published?: () => void;
  /** The stream can never take it: it was set aside so it does not block the ones behind it. */
  readonly quarantined?: (error: UnpublishableOutcomeError) => void;
}

interface Item extends OutboxHooks {
  readonly record: OutcomeRecord;
}

/**
 * Outcomes the stream did not acknowledge (NATS down, JetStream without quorum). They are journaled already;
 * the outbox keeps trying to publish them, so the fleet record catches up when NATS is back. `Nats-Msg-Id`
 * makes a late second copy harmless. Bounded: beyond `limit` the oldest is dropped, with an error logged
 * (the terminal's journal still holds it; `outcome.get` on the agent finds it).
 */
export class Outbox {
  private readonly queue: Item[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: OutcomeStore,
    private readonly logger: OutboxLogger,
    private readonly limit = 10_000,
    private readonly retryMs = 1_000,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  /** Outcomes of one terminal waiting (for the agent's metrics; at most `limit` looked at). */
  depthOf(terminal: string): number {
    let count = 0;
    for (const item of this.queue) if (item.record.terminal === terminal) count++;
    return count;
  }

  add(record: OutcomeRecord, hooks: OutboxHooks = {}): void {
    if (this.queue.length >= this.limit) {
      const dropped = this.queue.shift();
      this.logger.log(
        'error',
        `outbox full: dropped outcome of flow ${dropped?.record.flowId} from memory (its write-ahead log keeps it, if any)`,
      );
    }
    this.queue.push({ record, ...hooks });
    this.timer ??= setInterval(() => void this.flush(), this.retryMs);
  }

  /**
   * Publishes what it can, in order; stops at the first failure (NATS is still away), except for a record
   * that can never be published, which is quarantined and skipped.
   */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      while (this.queue.length > 0) {
        const item = this.queue[0] as Item;
        try {
          await this.store.publish(item.record);
        } catch (error) {
          if (!(error instanceof UnpublishableOutcomeError)) return;
          this.queue.shift();
          item.quarantined?.(error);
          continue;
        }
        this.queue.shift();
        item.published?.();
        this.logger.log('info', `outbox: published the outcome of flow ${item.record.flowId}`);
      }
      clearInterval(this.timer);
      this.timer = undefined;
    })().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
