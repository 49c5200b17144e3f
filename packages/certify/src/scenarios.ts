import type { Scenario as SimulatorScript } from '@bluechip-ws/simulator';
import type { ReportedOutcome } from './outcome.js';
import type { Timing } from './timing.js';

/** The wire rules a scenario is judged on (see checks.ts). */
export type CheckId =
  | 'envelopes'
  | 'amounts'
  | 'acks'
  | 'flow-ids'
  | 'one-at-a-time'
  | 'recall-after-drop'
  | 'reconnect'
  | 'outcome';

export const CHECK_TITLES: Readonly<Record<CheckId, string>> = {
  envelopes: 'well-formed envelopes for the endpoint mode',
  amounts: 'a sale sent, its amount as integer cents, the amount asked for',
  acks: 'an event_ack for every event and every repeat, within the bound, never before the event',
  'flow-ids': 'a new flow_id for every request of the run',
  'one-at-a-time': 'no request while the terminal is busy with a flow',
  'recall-after-drop': 'recall_last_transaction after the link dropped mid-flow, before any new sale',
  reconnect: 'a new connection after the link dropped',
  outcome: 'the outcome the POS reported',
};

const COMMON: readonly CheckId[] = ['envelopes', 'amounts', 'acks', 'flow-ids', 'one-at-a-time', 'outcome'];

/** One conformance scenario: a sale the POS starts, and what the simulated terminal does with it. */
export interface CertifyScenario {
  readonly id: string;
  readonly title: string;
  /** What the terminal does. */
  readonly does: string;
  /** What a correct POS does on the wire. */
  readonly correctPos: string;
  /** The sale amount asked of the POS, in cents. */
  readonly amount: number;
  readonly expected: { readonly outcome: ReportedOutcome; readonly amount?: number };
  /**
   * Cents of a sale another customer makes on the terminal just before the scenario, so that the terminal's
   * last transaction is not the POS's. The POS must then report unknown (or sell anew and report that sale).
   */
  readonly earlierSale?: number;
  /**
   * The customer stage lasts `Timing.customerHoldMs` of real time. In command mode the scenario runs beside
   * the others, on a second simulated terminal (its own port), so the run is not slower for it.
   */
  readonly holdsCustomer?: boolean;
  readonly endpointMode: 'multi' | 'single';
  readonly checks: readonly CheckId[];
  /** The simulator's script: its first `sale` gets the rule, everything else behaves normally. */
  script(t: Timing): SimulatorScript;
}

/** The terminal's script for the scenario's sale; later sales and recalls are served normally. */
function firstSale(
  t: Timing,
  rule: Record<string, unknown>,
  settings: Record<string, unknown> = {},
): SimulatorScript {
  return {
    settings: { ackTimeoutMs: t.ackTimeoutMs, resendLimit: 2, eventDelayMs: t.scaled(1500), ...settings },
    rules: [{ match: { type: 'sale' }, times: 1, delayMs: t.scaled(3000), ...rule }],
  };
}

export const SCENARIOS: readonly CertifyScenario[] = [
  {
    id: 'approved',
    title: 'Approved sale',
    does: 'Answers "started", then one "completed" event with an approved result.',
    correctPos:
      'Sends the request with amount 435 (4.35 as integer cents), acks the event once, reports approved.',
    amount: 435,
    expected: { outcome: 'approved', amount: 435 },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) => firstSale(t, { outcome: 'approved' }),
  },
  {
    id: 'declined',
    title: 'Declined by the host or the card',
    does: 'A "completed" event whose result status is decline_by_host_or_card.',
    correctPos: 'Acks the event; reports declined (a business outcome, not a protocol error).',
    amount: 410,
    expected: { outcome: 'declined' },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) => firstSale(t, { outcome: 'declined' }),
  },
  {
    id: 'cancelled',
    title: 'Cancelled by the customer',
    does: 'After a wait, a "completed" event whose result status is cancelled_by_user.',
    correctPos: 'Waits, acks the event, reports cancelled.',
    amount: 452,
    expected: { outcome: 'cancelled' },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) => firstSale(t, { outcome: 'cancelled', delayMs: t.scaled(8000) }),
  },
  {
    id: 'customer-timeout',
    title: 'Customer timeout',
    does: 'After a long wait (a minute of terminal time), a result with status timeout_on_user_input.',
    correctPos: "Keeps waiting (no client timeout shorter than the terminal's), acks, reports timed out.",
    amount: 456,
    expected: { outcome: 'timed_out' },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) => firstSale(t, { outcome: 'timed_out', delayMs: t.scaled(60_000) }),
  },
  {
    id: 'slow-customer',
    title: "A customer slower than the POS's patience",
    does:
      'Answers "started"; the customer then takes the customer hold (40 s of real time by default, ' +
      '--customer-hold; --time-scale does not apply) before the card is approved. In command mode it runs ' +
      'beside the other scenarios, on a second simulated terminal at its own port ({url}, {port}).',
    correctPos:
      "Keeps waiting: a POS must not give up before the terminal's own customer timeout (a minute). Acks, " +
      'reports approved.',
    amount: 1906,
    expected: { outcome: 'approved', amount: 1906 },
    endpointMode: 'multi',
    checks: COMMON,
    holdsCustomer: true,
    script: (t) => firstSale(t, { outcome: 'approved', delayMs: t.customerHoldMs }),
  },
  {
    id: 'proceed-then-completed',
    title: '"proceed" then "completed"',
    does: 'A "proceed" event (result in_progress); after its ack, the "completed" event.',
    correctPos: 'Acks "proceed" and keeps waiting; acks "completed"; takes the outcome from the final event.',
    amount: 460,
    expected: { outcome: 'approved', amount: 460 },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) => firstSale(t, { proceedEvents: 1 }),
  },
  {
    id: 'final-repeated',
    title: 'Final event repeated',
    does: 'Sends the final event twice in a row.',
    correctPos: 'Acks both copies; records and reports the sale once.',
    amount: 464,
    expected: { outcome: 'approved', amount: 464 },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) => firstSale(t, { outcome: 'double_final' }),
  },
  {
    id: 'event-resent',
    title: 'Event resent because the ack was late',
    does:
      'Treats the first event_ack as too late and sends the final event again after its resend timer ' +
      '(5 s of terminal time, scaled, at least 200 ms).',
    correctPos:
      'Acks the repeat too, as long as its link is open; reports the sale once. A POS that closed its link ' +
      'before the repeat is not exercised (noted in the report).',
    amount: 477,
    expected: { outcome: 'approved', amount: 477 },
    endpointMode: 'multi',
    checks: COMMON,
    // At least 200 ms, so a repeat is not taken for a copy sent while the first ack was on its way.
    script: (t) => firstSale(t, { ignoreAcks: 1, ackTimeoutMs: Math.max(200, t.scaled(5000)) }),
  },
  {
    id: 'event-before-response',
    title: 'Event before the response',
    does: 'Sends the final event before the "started" response.',
    correctPos:
      'Accepts the event for its flow although "started" has not arrived yet, acks it, reports approved.',
    amount: 481,
    expected: { outcome: 'approved', amount: 481 },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) => firstSale(t, { eventBeforeResponse: true }),
  },
  {
    id: 'busy',
    title: 'Terminal busy',
    does: 'Answers the request with response status "error", error_info.text "TSI busy"; no event follows.',
    correctPos: 'Sends no event_ack (there is no event), reports busy, does not pretend the sale happened.',
    amount: 485,
    expected: { outcome: 'busy' },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) => firstSale(t, { reject: 'TSI busy' }),
  },
  {
    id: 'error-event',
    title: 'Error event',
    does: 'Sends an event with status "error" and an error_info (a processing failure).',
    correctPos: 'Acks the error event like any event; reports an error.',
    amount: 489,
    expected: { outcome: 'error' },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) => firstSale(t, { outcome: 'error_event' }),
  },
  {
    id: 'partial-approval',
    title: 'Partial approval',
    does: 'Approves 30.00 of the 40.30 asked: result status approved, transaction_amount and total_amount "3000".',
    correctPos:
      'Acks; reports the partial approval: partially_approved (exit code 6), or approved with the amount 30.00. ' +
      'Plain approved, without the amount, fails: the store would hand over goods for 10.30 it never received.',
    amount: 4030,
    expected: { outcome: 'partially_approved', amount: 3000 },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) =>
      firstSale(t, {
        fields: {
          transaction_amount: '3000',
          total_amount: '3000',
          host_response_text: 'PARTIAL APPROVAL 3000',
        },
      }),
  },
  {
    id: 'drop-after-started',
    title: 'Link dropped after "started", terminal approved',
    does:
      'Answers "started", then cuts the link without a close frame; the terminal approves the sale anyway ' +
      'and keeps it as its last transaction.',
    correctPos:
      'Reconnects, sends recall_last_transaction before any new sale, acks its event, and reports the ' +
      'recalled outcome: approved. (A POS may first report "unknown"; the kit then runs it again for the same ' +
      'order, as a cashier retrying would.)',
    amount: 502,
    expected: { outcome: 'approved', amount: 502 },
    endpointMode: 'multi',
    checks: [...COMMON, 'reconnect', 'recall-after-drop'],
    script: (t) => firstSale(t, { outcome: 'drop_after_started' }),
  },
  {
    id: 'drop-sale-not-run',
    title: "Link dropped, the sale never ran; the last transaction is an earlier customer's",
    does:
      'Another customer pays 12.34 first. The POS\'s sale is answered "started", then the link is cut and ' +
      "the terminal drops the sale: nothing is charged, the last transaction stays the earlier customer's.",
    correctPos:
      'Reconnects, sends recall_last_transaction, sees that the last transaction is not this sale (another ' +
      'amount, an earlier time) and reports unknown / not found, never the earlier sale. (Run again for the ' +
      'same order, it may sell anew: a new approved sale of this amount is accepted.)',
    amount: 1931,
    expected: { outcome: 'unknown' },
    earlierSale: 1234,
    endpointMode: 'multi',
    checks: [...COMMON, 'reconnect', 'recall-after-drop'],
    script: (t) => firstSale(t, { outcome: 'drop_after_started' }, { onLinkDrop: 'cancel' }),
  },
  {
    id: 'drop-sale-cancelled',
    title: "Link dropped, the customer cancelled; the last transaction is an earlier customer's",
    does:
      'Another customer pays 12.34 first. The POS\'s sale is answered "started"; the customer cancels and ' +
      'the link is cut before the final event. The terminal keeps no record of the cancelled sale: the last ' +
      "transaction stays the earlier customer's.",
    correctPos:
      'Reconnects, recalls, sees the last transaction is not this sale and reports unknown / not found, ' +
      'never the earlier sale. (Run again, it may sell anew.)',
    amount: 1940,
    expected: { outcome: 'unknown' },
    earlierSale: 1234,
    endpointMode: 'multi',
    checks: [...COMMON, 'reconnect', 'recall-after-drop'],
    script: (t) =>
      firstSale(
        t,
        { outcome: 'cancelled', disconnect: 'before_final', delayMs: t.scaled(8000) },
        { onLinkDrop: 'cancel' },
      ),
  },
  {
    id: 'garbage-frames',
    title: 'Garbage frames around a flow',
    does:
      'Sends frames that are not JSON, or JSON that is no TSI envelope, before the response, before the final ' +
      'event and after it.',
    correctPos: 'Ignores them (sends nothing in reply), completes the flow normally, reports approved.',
    amount: 506,
    expected: { outcome: 'approved', amount: 506 },
    endpointMode: 'multi',
    checks: COMMON,
    script: (t) => firstSale(t, { garbage: ['before_response', 'before_final', 'after_final'] }),
  },
  {
    id: 'single-endpoint',
    title: 'Single-endpoint mode',
    does: 'Serves only ws://host:port/ ; every request, event and ack carries "endpoint".',
    correctPos:
      'Connects to the root path, sends "endpoint":"/tsi/v1/payment" in the request and echoes it in every ' +
      'event_ack; reports approved.',
    amount: 1999,
    expected: { outcome: 'approved', amount: 1999 },
    endpointMode: 'single',
    checks: COMMON,
    script: (t) => firstSale(t, {}, { endpointMode: 'single' }),
  },
];

/** The scenarios named in `only` (ids), in suite order; throws a RangeError naming an unknown id. */
export function selectScenarios(only: readonly string[] | undefined): readonly CertifyScenario[] {
  if (only === undefined || only.length === 0) return SCENARIOS;
  const known = new Set(SCENARIOS.map((s) => s.id));
  for (const id of only) {
    if (!known.has(id)) throw new RangeError(`unknown scenario "${id}"; known: ${[...known].join(', ')}`);
  }
  return SCENARIOS.filter((s) => only.includes(s.id));
}
