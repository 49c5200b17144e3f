import type { ParameterName } from './parameters.js';
import type { KnownType } from './request-types.js';

/**
 * The parameters an operation's API takes besides its own, in this order after them:
 *  - `common_and_token`: merchant, clerk and invoice ids, and the token fields;
 *  - `common`: merchant, clerk and invoice ids;
 *  - `merchant`: the merchant id only;
 *  - `none`.
 * On the wire every typed request accepts the common and token fields.
 */
export type SharedParameters = 'common_and_token' | 'common' | 'merchant' | 'none';

/** One typed operation: a method of the client, of the bridge, a command of the CLI (docs/client.md). */
export interface OperationRow {
  /** The request type it sends (its endpoint and effect on money are in `REQUEST_TYPES`). */
  readonly type: KnownType;
  /** One line, for the OpenRPC document and `bluechip help`. */
  readonly summary: string;
  /**
   * What its result holds. Every operation's result has one shape, the flow's outcome (`Outcome` in the
   * protocol, `TransactionOutcome` in the client, `Outcome` in the OpenRPC document): its kind and the
   * terminal's results as sent; this says what those results carry for this operation.
   */
  readonly result: string;
  /** Its own parameters, by wire name, in the order the API, the forms and the document list them. */
  readonly required: readonly ParameterName[];
  readonly optional: readonly ParameterName[];
  readonly shared: SharedParameters;
  /** Narrower choices than the parameter's own (a balance inquiry takes four tender types of six). */
  readonly choices?: {
    readonly [name in ParameterName]?: { readonly name: string; readonly choices: readonly string[] };
  };
}

const TRANSACTION =
  "The transaction's outcome (approved, partially approved, declined, cancelled, timed out, error); an approval's result has the amounts in cents, the masked card, the host's response and the referenceNo a void or a tip adjustment takes.";
const ADJUSTMENT =
  'The outcome of the change: approved, declined, or not_found when the terminal has no transaction with that referenceNo.';

export const COMMON_PARAMETERS = ['merchant_id', 'clerk_id', 'invoice_no'] as const;
export const TOKEN_PARAMETERS = [
  'token_request',
  'token',
  'token_exp_date',
  'token_card_brand_value',
] as const;

/**
 * The typed operations whose API is their parameters (every result is the flow's outcome, its content
 * described by the row's `result`). The client's methods and parameter types, the bridge's methods, params
 * codecs and result descriptions (so `openrpc.json`), the protocol's typed request codecs and the console's
 * forms are derived from these rows; adding one is a row here plus its simulator behaviour.
 * `terminalInfo`, `setDateTime`, `report` and `raw` have shapes of their own (no params, a Date, a report
 * type, any resource) and are written out where they are served.
 */
export const OPERATIONS = {
  sale: {
    type: 'sale',
    summary: 'A sale.',
    result: TRANSACTION,
    required: ['amount'],
    optional: [
      'tip_amount',
      'tender_type',
      'order_number',
      'merchant_tax_id',
      'supplier_no',
      'commercial_card_indicator',
      'purchase_level_2',
    ],
    shared: 'common_and_token',
  },
  refund: {
    type: 'refund',
    summary: 'A refund.',
    result: TRANSACTION,
    required: ['amount'],
    optional: [
      'tip_amount',
      'tender_type',
      'host_transaction_id',
      'dcc_conversion_rate',
      'dcc_card_holder_currency_code',
      'dcc_amount',
      'commercial_card_indicator',
    ],
    shared: 'common_and_token',
  },
  void: {
    type: 'void',
    summary: 'Voids a transaction by its referenceNo.',
    result: ADJUSTMENT,
    required: ['reference_no'],
    optional: [],
    shared: 'merchant',
  },
  preAuth: {
    type: 'pre_auth',
    summary: 'A pre-authorization.',
    result: TRANSACTION,
    required: ['amount'],
    optional: ['tip_amount', 'order_number', 'purchase_level_2'],
    shared: 'common_and_token',
  },
  preAuthCompletion: {
    type: 'pre_auth_completion',
    summary: 'Completes a pre-authorization.',
    result: TRANSACTION,
    required: ['amount', 'reference_no'],
    optional: ['order_number', 'merchant_tax_id', 'supplier_no', 'purchase_level_2'],
    shared: 'common_and_token',
  },
  force: {
    type: 'force',
    summary: 'A forced (offline-approved) sale.',
    result: TRANSACTION,
    required: ['amount'],
    optional: ['tender_type', 'order_number', 'ebt_voucher_no', 'ebt_voucher_app_code', 'purchase_level_2'],
    shared: 'common_and_token',
  },
  tipAdjust: {
    type: 'tip_adjust',
    summary: 'Adjusts the tip of a transaction.',
    result: ADJUSTMENT,
    required: ['reference_no', 'tip_amount'],
    optional: [],
    shared: 'common',
  },
  cardBalance: {
    type: 'card_balance_inquiry',
    summary: 'A card balance inquiry.',
    result: "The inquiry's outcome; its result carries the card's balance as the terminal sends it.",
    required: [],
    optional: ['tender_type', 'tip_amount'],
    shared: 'common_and_token',
    choices: { tender_type: { name: 'BalanceTender', choices: ['credit', 'debit', 'ebt', 'gift'] } },
  },
  reprintReceipt: {
    type: 'reprint_receipt',
    summary: 'Reprints a receipt.',
    result:
      'The outcome once the terminal has printed the copy (completed, or an error); no transaction data.',
    required: [],
    optional: ['reprint_type'],
    shared: 'merchant',
  },
  recallLastTransaction: {
    type: 'recall_last_transaction',
    summary: "The terminal's last transaction.",
    result:
      "The terminal's last transaction as its result (a sale's shape), which reconciliation reads to settle an unknown outcome.",
    required: [],
    optional: [],
    shared: 'merchant',
  },
  settlement: {
    type: 'settlement',
    summary: 'Settles the batch.',
    result:
      'The outcome once the batch is settled; a proceed event with results may come first, and the final results carry the batch totals (their shape varies by terminal build).',
    required: [],
    optional: [],
    shared: 'merchant',
  },
} as const satisfies Readonly<Record<string, OperationRow>>;

export type OperationName = keyof typeof OPERATIONS;
export type OperationOf<N extends OperationName> = (typeof OPERATIONS)[N];

/** The shared parameters of a row, by wire name. */
export type SharedOf<S extends SharedParameters> = S extends 'common_and_token'
  ? (typeof COMMON_PARAMETERS)[number] | (typeof TOKEN_PARAMETERS)[number]
  : S extends 'common'
    ? (typeof COMMON_PARAMETERS)[number]
    : S extends 'merchant'
      ? 'merchant_id'
      : never;

export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

export function sharedParameters(shared: SharedParameters): readonly ParameterName[] {
  switch (shared) {
    case 'common_and_token':
      return [...COMMON_PARAMETERS, ...TOKEN_PARAMETERS];
    case 'common':
      return COMMON_PARAMETERS;
    case 'merchant':
      return ['merchant_id'];
    case 'none':
      return [];
  }
}

/** The row of an operation by name; `undefined` for any other string (never the prototype's). */
export function operationRow(name: string): OperationRow | undefined {
  return Object.hasOwn(OPERATIONS, name)
    ? (OPERATIONS as Readonly<Record<string, OperationRow>>)[name]
    : undefined;
}
