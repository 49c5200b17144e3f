import type { EndpointName } from '../endpoints.js';

/**
 * What a request of a type does to money, which every front end and recovery reads from here:
 *  - `charge`: takes money from the card (counts as a sale in the batch; a void or tip adjustment may target it);
 *  - `refund`: gives money back;
 *  - `hold`: reserves money (pre-authorization);
 *  - `adjust`: changes an earlier transaction (void, tip adjustment);
 *  - `read`: moves nothing, or is safe to repeat (info, reports, recall, set_date_time);
 *  - `state`: changes the terminal's or a card's state in a way `recall_last_transaction` cannot show
 *    (settlement, gift cards, tabs, tokens…): after a lost outcome an operator checks.
 * The first four are the transactions: they move money and show up in `recall_last_transaction`.
 */
export type RequestEffect = 'charge' | 'refund' | 'hold' | 'adjust' | 'read' | 'state';

/** One TSI request type (docs/protocol.md). */
export interface RequestTypeRow {
  /** The endpoint it is sent to (Ingenico's endPointMap). */
  readonly endpoint: EndpointName;
  /** Another endpoint that serves it too (docs/protocol.md caveats). */
  readonly alsoOn?: EndpointName;
  readonly effect: RequestEffect;
  /** Parameters it cannot do without (Ingenico's input map; the tool always sends `amount`). */
  readonly requires?: readonly string[];
  /** An amount of 0 is almost surely a POS bug (an empty basket): the client refuses it unless told. */
  readonly refusesZeroAmount?: true;
}

const amount = ['amount'] as const;
const reference = ['reference_no'] as const;
const amountAndReference = ['amount', 'reference_no'] as const;

/**
 * Every TSI request type this library knows, in Ingenico's order per endpoint. The endpoint lists
 * (`PAYMENT_TYPES`…), the required parameters, the money sets of recovery, certify and the simulator are all
 * read from this table.
 */
export const REQUEST_TYPES = {
  // ── /tsi/v1/payment ──
  sale: { endpoint: 'payment', effect: 'charge', requires: amount, refusesZeroAmount: true },
  refund: { endpoint: 'payment', effect: 'refund', requires: amount, refusesZeroAmount: true },
  force: { endpoint: 'payment', effect: 'charge', requires: amount },
  void: { endpoint: 'payment', effect: 'adjust', requires: reference },
  card_balance_inquiry: { endpoint: 'payment', effect: 'read' },
  reprint_receipt: { endpoint: 'payment', effect: 'read' },
  pre_auth: { endpoint: 'payment', effect: 'hold', requires: amount },
  settlement: { endpoint: 'payment', effect: 'state' },
  auto_settlement: { endpoint: 'payment', effect: 'state' },
  pre_auth_completion: { endpoint: 'payment', effect: 'charge', requires: amountAndReference },
  auth_only: { endpoint: 'payment', effect: 'charge', requires: amount },
  recall_last_transaction: { endpoint: 'payment', alsoOn: 'reports', effect: 'read' },
  open_pre_auth: { endpoint: 'payment', effect: 'state' },
  reload: { endpoint: 'payment', effect: 'state', requires: amount },
  activation: { endpoint: 'payment', effect: 'state', requires: amount },
  deactivation: { endpoint: 'payment', effect: 'state' },
  block_activation: { endpoint: 'payment', effect: 'state', requires: amount },
  block_deactivation: { endpoint: 'payment', effect: 'state' },
  reactivation: { endpoint: 'payment', effect: 'state', requires: amount },
  block_reactivation: { endpoint: 'payment', effect: 'state', requires: amount },
  redemption: { endpoint: 'payment', effect: 'state', requires: amount },
  add_tip: { endpoint: 'payment', effect: 'state', requires: amount },
  force_issuance: { endpoint: 'payment', effect: 'state', requires: amount },
  force_activation: { endpoint: 'payment', effect: 'state', requires: amount },
  force_redemption: { endpoint: 'payment', effect: 'state', requires: amount },
  zero_gift_card_balance: { endpoint: 'payment', effect: 'state' },
  tab_open: { endpoint: 'payment', effect: 'state', requires: amount },
  tab_open_force: { endpoint: 'payment', effect: 'state', requires: amount },
  tab_close: { endpoint: 'payment', effect: 'state', requires: amountAndReference },
  tab_delete: { endpoint: 'payment', effect: 'state', requires: reference },
  tip_adjust: { endpoint: 'payment', effect: 'adjust', requires: ['reference_no', 'tip_amount'] },
  verification: { endpoint: 'payment', effect: 'state' },
  get_token: { endpoint: 'payment', effect: 'state' },
  transaction_adjustment: { endpoint: 'payment', effect: 'state', requires: amountAndReference },
  incremental_authorization: { endpoint: 'payment', effect: 'state', requires: amountAndReference },
  force_pre_auth: { endpoint: 'payment', effect: 'state', requires: amount },
  force_incremental_authorization: { endpoint: 'payment', effect: 'state', requires: amountAndReference },
  force_tab_close: { endpoint: 'payment', effect: 'state', requires: amountAndReference },
  // ── /tsi/v1/reports ──
  detail_report: { endpoint: 'reports', effect: 'read' },
  summary_report: { endpoint: 'reports', effect: 'read' },
  emv_last_tx_report: { endpoint: 'reports', effect: 'read' },
  clerk_summary_report: { endpoint: 'reports', effect: 'read' },
  parameters_report: { endpoint: 'reports', effect: 'read' },
  activity_report: { endpoint: 'reports', effect: 'read' },
  recent_error: { endpoint: 'reports', effect: 'read' },
  clerk_id_list: { endpoint: 'reports', effect: 'read' },
  emv_key_date_report: { endpoint: 'reports', effect: 'read' },
  // ── /tsi/v1/info ──
  terminal_info: { endpoint: 'info', effect: 'read' },
  emv_parameters: { endpoint: 'info', effect: 'state' },
  emv_statistic: { endpoint: 'info', effect: 'state' },
  emv_public_key: { endpoint: 'info', effect: 'state' },
  cd_status: { endpoint: 'info', effect: 'state' },
  cd_capability: { endpoint: 'info', effect: 'state' },
  cd_open: { endpoint: 'info', effect: 'state' },
  saf_indicator: { endpoint: 'info', effect: 'state' },
  printing_status: { endpoint: 'info', effect: 'state' },
  // ── /tsi/v1/config ──
  software_update: { endpoint: 'config', effect: 'state' },
  set_date_time: { endpoint: 'config', effect: 'read', requires: ['date', 'time'] },
} as const satisfies Readonly<Record<string, RequestTypeRow>>;

export type KnownType = keyof typeof REQUEST_TYPES;
/** The known types served on one endpoint. */
export type TypeOn<E extends EndpointName> = {
  [K in KnownType]: (typeof REQUEST_TYPES)[K]['endpoint'] extends E ? K : never;
}[KnownType];

const rows: ReadonlyMap<string, RequestTypeRow> = new Map(Object.entries(REQUEST_TYPES));

/** The row of a known type; `undefined` for any other string (own entries only, never the prototype's). */
export function requestTypeRow(type: string): RequestTypeRow | undefined {
  return rows.get(type);
}

/** The known types, in table order, that pass `test`. */
export function typesWhere(test: (row: RequestTypeRow, type: string) => boolean): readonly string[] {
  return [...rows].filter(([type, row]) => test(row, type)).map(([type]) => type);
}

/** The types served on `endpoint`, in table order. */
export function typesOn<E extends EndpointName>(endpoint: E): readonly TypeOn<E>[] {
  return typesWhere((row) => row.endpoint === endpoint) as readonly TypeOn<E>[];
}

/** Moves money and shows up in `recall_last_transaction` (charge, refund, hold, adjust). */
export function isTransaction(type: string): boolean {
  const effect = rows.get(type)?.effect;
  return effect === 'charge' || effect === 'refund' || effect === 'hold' || effect === 'adjust';
}

/** Carries an amount the card host approves: charge, refund, hold (the simulator's amount triggers apply). */
export function sendsAmountToHost(type: string): boolean {
  const effect = rows.get(type)?.effect;
  return effect === 'charge' || effect === 'refund' || effect === 'hold';
}

/** The effect of a type; `undefined` for a type this library does not know. */
export function effectOf(type: string): RequestEffect | undefined {
  return rows.get(type)?.effect;
}
