import { effectOf } from '@bluechip-ws/protocol';
import type { BatchTotals } from './settings.js';

/** A transaction approved in the current batch. */
export interface BatchEntry {
  readonly reference_no: string;
  readonly type: string;
  /** Transaction amount in cents (without tip). */
  readonly amount: number;
  tip: number;
  voided: boolean;
  /** For a pre_auth: set once a pre_auth_completion used it. */
  completed: boolean;
  /** The result as last sent to the POS (kept for voids and tip adjustments). */
  readonly result: Readonly<Record<string, unknown>>;
}

/**
 * The terminal's open batch: approved transactions by reference number, until a settlement closes it.
 * Reference numbers keep incrementing across batches so a void can never hit a settled transaction.
 */
export class Batch {
  private readonly entries = new Map<string, BatchEntry>();
  private nextReference = 1;
  private batchNumber = 1;

  get batchNo(): number {
    return this.batchNumber;
  }

  get size(): number {
    return this.entries.size;
  }

  allocateReference(): string {
    return String(this.nextReference++);
  }

  add(entry: BatchEntry): void {
    this.entries.set(entry.reference_no, entry);
  }

  find(reference_no: string): BatchEntry | undefined {
    return this.entries.get(reference_no);
  }

  list(): readonly BatchEntry[] {
    return [...this.entries.values()];
  }

  totals(): BatchTotals {
    let [sale_count, sale_amount, refund_count, refund_amount, void_count, void_amount] = [0, 0, 0, 0, 0, 0];
    for (const e of this.entries.values()) {
      const total = e.amount + e.tip;
      if (e.voided) {
        void_count++;
        void_amount += total;
      } else if (effectOf(e.type) === 'charge') {
        sale_count++;
        sale_amount += total;
      } else if (e.type === 'refund') {
        refund_count++;
        refund_amount += total;
      }
    }
    return {
      batch_no: this.batchNumber,
      sale_count,
      sale_amount,
      refund_count,
      refund_amount,
      void_count,
      void_amount,
    };
  }

  /** Closes the batch (settlement): empties it and moves to the next batch number. */
  close(): void {
    this.entries.clear();
    this.batchNumber++;
  }
}
