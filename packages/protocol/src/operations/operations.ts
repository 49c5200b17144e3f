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
  /** Its own parameters, by wire name, in the order the API, the forms and the document list them. */
  readonly required: readonly ParameterName[];
  readonly optional: readonly ParameterName[];
  readonly shared: SharedParameters;
  /** Narrower choices than the parameter's own (a balance inquiry takes four tender types of six). */
  readonly choices?: {
    readonly [name in ParameterName]?: { readonly name: string; readonly choices: readonly string[] };
  };
}

export const COMMON_PARAMETERS = ['merchant_id', 'clerk_id', 'invoice_no'] as const;
export const TOKEN_PARAMETERS = [
  'token_request',
  'token',
  'token_exp_date',
  'token_card_brand_value',
] as const;

/**
 * The typed operations whose API is their parameters (every result is the flow's outcome: `Outcome` in the
 * protocol, `TransactionOutcome` in the client, `Outcome` in the OpenRPC document). The client's methods and
 * parameter types, the bridge's methods and params codecs (so `openrpc.json`) and the protocol's typed
 * request codecs are derived from these rows; adding one is a row here plus its simulator behaviour.
 * `terminalInfo`, `setDateTime`, `report` and `raw` have shapes of their own (no params, a Date, a report
 * type, any resource) and are written out where they are served.
 */
export const OPERATIONS = {
  sale: {
    type: 'sale',
    summary: 'A sale.',
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
    required: ['reference_no'],
    optional: [],
    shared: 'merchant',
  },
  preAuth: {
    type: 'pre_auth',
    summary: 'A pre-authorization.',
    required: ['amount'],
    optional: ['tip_amount', 'order_number', 'purchase_level_2'],
    shared: 'common_and_token',
  },
  preAuthCompletion: {
    type: 'pre_auth_completion',
    summary: 'Completes a pre-authorization.',
    required: ['amount', 'reference_no'],
    optional: ['order_number', 'merchant_tax_id', 'supplier_no', 'purchase_level_2'],
    shared: 'common_and_token',
  },
  force: {
    type: 'force',
    summary: 'A forced (offline-approved) sale.',
    required: ['amount'],
    optional: ['tender_type', 'order_number', 'ebt_voucher_no', 'ebt_voucher_app_code', 'purchase_level_2'],
    shared: 'common_and_token',
  },
  tipAdjust: {
    type: 'tip_adjust',
    summary: 'Adjusts the tip of a transaction.',
    required: ['reference_no', 'tip_amount'],
    optional: [],
    shared: 'common',
  },
  cardBalance: {
    type: 'card_balance_inquiry',
    summary: 'A card balance inquiry.',
    required: [],
    optional: ['tender_type', 'tip_amount'],
    shared: 'common_and_token',
    choices: { tender_type: { name: 'BalanceTender', choices: ['credit', 'debit', 'ebt', 'gift'] } },
  },
  reprintReceipt: {
    type: 'reprint_receipt',
    summary: 'Reprints a receipt.',
    required: [],
    optional: ['reprint_type'],
    shared: 'merchant',
  },
  recallLastTransaction: {
    type: 'recall_last_transaction',
    summary: "The terminal's last transaction.",
    required: [],
    optional: [],
    shared: 'merchant',
  },
  settlement: {
    type: 'settlement',
    summary: 'Settles the batch.',
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
