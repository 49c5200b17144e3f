import type { FlowSummary, Journal, JsonObject } from '@bluechip-ws/core';
import { RecoveryError } from './errors.js';
import type { ReconcileReport } from './types.js';

/** An operator's verdict on a flow (see `Recovery.resolve`). */
export type Resolution =
  | { readonly verdict: 'recovered'; readonly resource: JsonObject; readonly note?: string }
  | { readonly verdict: 'not_found' | 'failed'; readonly note?: string };

/**
 * The verdicts recorded outside a reconciliation run (the operator's, and a late result overturning a
 * ruled-out flow), and the transactions the last run could not check with the terminal: those hold back
 * every new transaction, since sending one would hide them from `recall_last_transaction`.
 */
export class VerdictRecord {
  private unchecked: readonly string[] = [];

  constructor(
    private readonly journal: Journal,
    private readonly now: () => number,
  ) {}

  /** Transactions the last run could not check with the terminal. */
  get pending(): readonly string[] {
    return this.unchecked;
  }

  /** Each run replaces the list: a flow it could check is no longer pending. */
  noteRun(report: ReconcileReport): void {
    this.unchecked = report.flows.filter((flow) => flow.source === 'unreachable').map((flow) => flow.flowId);
  }

  /**
   * Journals the operator's verdict; the flow no longer holds back new transactions. Rejects with
   * `RecoveryError` when the journal has no such flow or cannot record it.
   */
  async resolve(flowId: string, resolution: Resolution): Promise<void> {
    const flow = await this.journal.flow(flowId);
    if (flow === undefined) throw new RecoveryError('unknown_flow', `the journal has no flow ${flowId}`);
    try {
      await this.journal.append({
        kind: 'reconciled',
        flowId,
        at: this.now(),
        verdict: resolution.verdict,
        note: `resolved by the operator${resolution.note === undefined ? '' : `: ${resolution.note}`}`,
        ...(resolution.verdict === 'recovered' ? { resource: resolution.resource } : {}),
      });
    } catch (cause) {
      throw new RecoveryError('journal_failed', `could not record the verdict for ${flowId}`, { cause });
    }
    this.unchecked = this.unchecked.filter((id) => id !== flowId);
  }

  /**
   * A final result for a flow reconciliation had ruled out (`not_found`, `failed`): the terminal ran it
   * after all, and the result replaces that verdict, so its idempotency key replays it instead of resending.
   */
  async lateResult(flow: FlowSummary, resource: JsonObject): Promise<void> {
    const verdict = flow.reconciled?.verdict;
    if (verdict !== 'not_found' && verdict !== 'failed') return;
    await this.journal.append({
      kind: 'reconciled',
      flowId: flow.flowId,
      at: this.now(),
      verdict: 'recovered',
      resource,
      note: `the terminal's result arrived after reconciliation had judged this flow ${verdict}; it replaces that verdict`,
    });
  }
}
