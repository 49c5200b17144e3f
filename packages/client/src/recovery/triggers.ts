import type { Diagnostic, Journal, Session, UnclaimedEvent } from '@bluechip-ws/core';
import type { ObservedValueOf, Subscription } from 'rxjs';
import { flowKind } from './flow-kind.js';
import type { Ending } from './flow-tracker.js';
import { type ReferenceBook, referenceOf } from './references.js';
import type { VerdictRecord } from './verdict-record.js';

/** What the triggers may ask of the run scheduler. */
export interface RunRequests {
  markDue(): void;
  request(): Promise<unknown>;
}

export interface TriggerContext {
  /** Only its link state and the results no caller waited for. */
  readonly session: Pick<Session, 'state$' | 'unclaimed$'>;
  readonly journal: Journal;
  /** Automatic reconciliation; off, only late results are taken in. */
  readonly auto: boolean;
  readonly runs: RunRequests;
  readonly references: ReferenceBook;
  readonly verdicts: Pick<VerdictRecord, 'lateResult'>;
  /** Where a failure with no caller to tell goes (the terminal's `diagnostics$`). */
  readonly diagnose: (diagnostic: Diagnostic) => void;
}

/**
 * What asks for a reconciliation by itself (with `auto`): the first operation after `connect`, the link
 * coming back after a drop (a run at once), and an operation that ended without a known result (a run
 * before the next operation). Also takes in late results from `unclaimed$`, which need no run.
 */
export class Triggers {
  private readonly subscriptions: Subscription[];
  private sawDrop = false;
  private closed = false;

  constructor(private readonly context: TriggerContext) {
    // A journal may hold flows an earlier process left open: check them before the first operation.
    if (context.auto) context.runs.markDue();
    this.subscriptions = [
      context.session.state$.subscribe((state) => this.onState(state)),
      context.session.unclaimed$.subscribe((item) => {
        // No caller to tell: a failed journal read or write leaves the earlier verdict in place (the
        // session journaled the result itself under the flow; the operator can still `resolve` it), and is
        // reported on the terminal's diagnostics$ so it is not silent.
        if (item.final) {
          this.onLateResult(item).catch((error: unknown) =>
            context.diagnose({ kind: 'journal_failed', flowId: item.flowId, error }),
          );
        }
      }),
    ];
  }

  operationEnded(ending: Ending): void {
    if (ending !== 'settled' && this.context.auto) this.context.runs.markDue();
  }

  close(): void {
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** A drop makes a run due; the link back open runs it at once, so the POS learns before it sells. */
  private onState(state: LinkState): void {
    if (isDrop(state)) {
      this.sawDrop = true;
      if (this.context.auto) this.context.runs.markDue();
    } else if (state.kind === 'open' && this.sawDrop) {
      this.sawDrop = false;
      // A failed run leaves itself due: the next operation runs it again and sees the error.
      if (this.context.auto) this.context.runs.request().catch(() => undefined);
    }
  }

  /**
   * A final result no caller waited for: its reference is owned from now on. Should it belong to a flow
   * reconciliation had ruled out, the terminal did run it after all (see `VerdictRecord.lateResult`).
   */
  private async onLateResult(item: UnclaimedEvent): Promise<void> {
    const flow = await this.context.journal.flow(item.flowId);
    // Only a transaction owns its reference: a recall's result carries the recalled one's.
    if (flow === undefined || flowKind(flow) !== 'transaction') return;
    const reference = referenceOf(item.resource);
    if (reference !== undefined) this.context.references.note(reference, item.flowId, flow.sentAt);
    if (!this.closed) await this.context.verdicts.lateResult(flow, item.resource);
  }
}

/** Whatever the session's link reports (named from the session, not the connection behind it). */
type LinkState = ObservedValueOf<Session['state$']>;

function isDrop(state: LinkState): boolean {
  return state.kind === 'reconnecting' || (state.kind === 'closed' && !state.reason.clean && !state.disposed);
}
