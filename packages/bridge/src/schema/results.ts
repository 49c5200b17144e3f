import * as t from 'io-ts';
import { CentsC, described, JsonObjectC, NonNegativeInt } from './annotate.js';

const keyof = <const K extends string>(keys: readonly K[], name: string) =>
  t.keyof(Object.fromEntries(keys.map((k) => [k, null])) as Record<K, null>, name);

/**
 * Results and notification params, as io-ts codecs: the OpenRPC document is generated from them, and the
 * tests validate every message the bridge sends against that document.
 */

const CodeText = t.partial({ code: t.string, text: t.string });

export const TransactionResultJsonC = t.intersection(
  [
    t.type({ raw: described(JsonObjectC, 'results[i] exactly as the terminal sent it.') }),
    t.partial({
      status: described(t.string, 'approved, decline_by_host_or_card, cancelled_by_user…'),
      type: t.string,
      authorizationNo: t.string,
      referenceNo: t.string,
      batchNo: t.string,
      terminalId: t.string,
      merchantId: t.string,
      hostResponseText: t.string,
      hostResponseCode: t.string,
      totalAmount: CentsC,
      transactionAmount: CentsC,
      tipAmount: CentsC,
      transactionDate: t.string,
      transactionTime: t.string,
      card: t.partial({ accountNo: t.string, entryMode: CodeText, type: CodeText }),
      emv: JsonObjectC,
      unknownTags: JsonObjectC,
      parameters: JsonObjectC,
      signature: t.string,
    }),
  ],
  'TransactionResult',
);

export const ErrorInfoJsonC = t.partial(
  { code: t.string, code_extended: t.string, text: t.string, time: t.string, facility: t.string },
  'ErrorInfo',
);

export const OutcomeKindC = t.keyof(
  {
    approved: null,
    partially_approved: null,
    declined: null,
    not_found: null,
    cancelled: null,
    timed_out: null,
    error: null,
    completed: null,
    other: null,
  },
  'OutcomeKind',
);

/** How an operation ended (a declined card too: it is a result, not an error). */
export const OutcomeJsonC = t.intersection(
  [
    t.type({
      kind: OutcomeKindC,
      flowId: t.string,
      type: described(t.string, "The request's type: sale, terminal_info…"),
      status: described(t.string, "The final event's resource.status."),
      results: t.array(TransactionResultJsonC),
      source: t.keyof({ event: null, response: null }),
      raw: described(JsonObjectC, 'The final resource as the terminal sent it.'),
    }),
    t.partial({
      resultStatus: t.string,
      result: TransactionResultJsonC,
      errorInfo: ErrorInfoJsonC,
      partial: described(
        t.type({ requested: t.number, approved: t.number }),
        'A partial approval: the amount asked and the amount the terminal approved, in cents.',
      ),
      replayed: described(t.boolean, 'Nothing was sent: the outcome of an earlier flow with the same key.'),
    }),
  ],
  'Outcome',
);

export const ReconciledFlowJsonC = t.intersection(
  [
    t.type({
      flowId: t.string,
      type: t.string,
      verdict: t.keyof({ recovered: null, not_found: null, still_unknown: null, failed: null }),
      source: t.keyof({
        journal: null,
        recall: null,
        read_only: null,
        not_recallable: null,
        unreachable: null,
      }),
      note: t.string,
    }),
    t.partial({ amount: t.number, idempotencyKey: t.string, sentAt: t.number, outcome: OutcomeJsonC }),
  ],
  'ReconciledFlow',
);

export const ReconcileReportJsonC = t.intersection(
  [
    t.type({ at: t.number, flows: t.array(ReconciledFlowJsonC), unresolved: NonNegativeInt }),
    t.partial({
      recall: t.intersection([
        t.type({ status: t.keyof({ found: null, none: null, failed: null }), flowId: t.string }),
        t.partial({ transaction: JsonObjectC, reason: t.string }),
      ]),
    }),
  ],
  'ReconcileReport',
);

export const ConnectionStateJsonC = t.intersection(
  [
    t.type({
      kind: t.keyof({ idle: null, connecting: null, open: null, reconnecting: null, closed: null }),
    }),
    t.partial({
      path: t.string,
      attempt: t.number,
      delayMs: t.number,
      lastClose: JsonObjectC,
      reason: JsonObjectC,
      disposed: t.boolean,
    }),
  ],
  'ConnectionState',
);

export const OpenResultC = t.intersection(
  [
    t.type({
      terminalId: t.string,
      url: described(t.string, 'The terminal URL (the built-in simulator’s, when one was started).'),
      journal: t.keyof({ file: null, memory: null }),
    }),
    t.partial({
      reconciled: ReconcileReportJsonC,
      reconcileError: described(JsonObjectC, 'Why reconciliation on open could not run (data of an error).'),
    }),
  ],
  'OpenResult',
);

export const StatusResultC = t.type(
  {
    terminalId: t.string,
    url: t.string,
    state: ConnectionStateJsonC,
    inFlight: described(NonNegativeInt, 'Operations this bridge is running on the terminal.'),
    openFlows: described(NonNegativeInt, 'Flows the journal holds open (outcome not settled yet).'),
  },
  'TerminalStatus',
);

export const OutcomeRecordC = t.intersection(
  [
    t.type({
      flowId: t.string,
      state: described(
        t.keyof({
          completed: null,
          failed: null,
          unknown: null,
          open: null,
          recovered: null,
          not_found: null,
        }),
        'completed: the final result was received and acked; open: still running or never settled.',
      ),
    }),
    t.partial({
      type: t.string,
      idempotencyKey: t.string,
      sentAt: t.number,
      outcome: OutcomeJsonC,
      error: t.type({ code: t.string, message: t.string }),
      note: t.string,
    }),
  ],
  'OutcomeRecord',
);

export const OutcomeGetResultC = t.union([OutcomeRecordC, t.null], 'OutcomeGetResult');

export const ClosedResultC = t.type({ terminalId: t.string, closed: t.boolean }, 'Closed');

/** `rpc.discover`: the OpenRPC document itself. */
export const DiscoverResultC = described(JsonObjectC, 'The OpenRPC 1.2 document of this bridge.');

// ── notifications ─────────────────────────────────────────────────────────────────────────────────────

export const ProgressNotificationC = t.intersection(
  [
    t.type({
      terminalId: t.string,
      requestId: described(t.union([t.string, t.number]), 'The id of the request this flow belongs to.'),
      flowId: t.string,
      type: t.keyof({ started: null, proceed: null }),
    }),
    t.partial({ status: t.string, results: t.array(TransactionResultJsonC), resource: JsonObjectC }),
  ],
  'FlowProgress',
);

export const StateNotificationC = t.type(
  { terminalId: t.string, state: ConnectionStateJsonC },
  'TerminalState',
);

export const UnclaimedNotificationC = t.intersection(
  [
    t.type({
      terminalId: t.string,
      flowId: t.string,
      reason: described(
        t.string,
        'unknown_flow, unsubscribed (e.g. $/cancelRequest), timed_out, link_closed, consumer_error, caller_gone, conflicting_final (a second final that differs from the first, which stays the outcome)',
      ),
      final: t.boolean,
    }),
    t.partial({ outcome: OutcomeJsonC, resource: JsonObjectC, idempotencyKey: t.string }),
  ],
  'UnclaimedOutcome',
);

export const DiagnosticNotificationC = t.type(
  { terminalId: t.string, kind: t.string, detail: JsonObjectC },
  'Diagnostic',
);

export const ReconciledNotificationC = t.type(
  { terminalId: t.string, report: ReconcileReportJsonC },
  'Reconciled',
);

export const ResolvedResultC = t.type(
  { terminalId: t.string, flowId: t.string, verdict: t.string },
  'Resolved',
);

// ── interactive simulator and frames ──────────────────────────────────────────────────────────────────

export const CustomerScreenC = described(
  t.intersection([
    t.type({
      kind: keyof(
        [
          'idle',
          'busy',
          'present_card',
          'enter_pin',
          'approved',
          'declined',
          'wrong_pin',
          'cancelled',
          'timed_out',
          'link_lost',
        ],
        'CustomerScreenKind',
      ),
    }),
    t.partial({
      flowId: t.string,
      type: t.string,
      amount: t.number,
      deadline: t.number,
      timeoutMs: t.number,
    }),
  ]),
  "The simulated terminal's screen as the customer sees it; present_card and enter_pin carry the amount (cents) and deadline (ms since the epoch).",
);

export const CustomerActionResultC = t.type(
  { terminalId: t.string, accepted: t.boolean, screen: CustomerScreenC },
  'CustomerActionResult',
);

export const ScreenResultC = t.type({ terminalId: t.string, screen: CustomerScreenC }, 'ScreenResult');

export const OpenFlowsResultC = t.type(
  { terminalId: t.string, flows: t.array(OutcomeRecordC) },
  'OpenFlowsResult',
);

export const ScreenNotificationC = t.type({ terminalId: t.string, screen: CustomerScreenC }, 'Screen');

export const FrameNotificationC = t.type(
  {
    terminalId: t.string,
    direction: keyof(['in', 'out'], 'FrameDirection'),
    path: t.string,
    text: described(t.string, 'The frame as sent, card numbers (12 to 19 digits) masked.'),
    at: described(t.number, 'Milliseconds since the epoch.'),
  },
  'Frame',
);
