import { REPORT_TYPES } from '@bluechip-ws/protocol';
import * as t from 'io-ts';
import { CentsC, described, JsonObjectC, NonEmptyString, NonNegativeInt, PositiveInt } from './annotate.js';

/**
 * Params of every method, as io-ts codecs: they check what a caller sends and, through `toJsonSchema`, are
 * the OpenRPC document. Field names and shapes mirror the TypeScript API (camelCase, amounts in cents).
 */

const keyof = <const K extends string>(keys: readonly K[], name: string) =>
  t.keyof(Object.fromEntries(keys.map((k) => [k, null])) as Record<K, null>, name);

const TerminalRef = t.type({
  terminalId: described(NonEmptyString, 'The id `terminal.open` returned.'),
});

export const TimeoutsC = t.partial(
  {
    queueMs: described(
      PositiveInt,
      'Waiting for a free slot; nothing is sent if it runs out (default 330 000).',
    ),
    responseMs: described(PositiveInt, 'From the request to its response (default 10 000).'),
    eventGapMs: described(PositiveInt, 'Between two events (default 180 000).'),
    ackMs: described(
      PositiveInt,
      "From a delivered event to the consumer's ack, manual mode (default 120 000).",
    ),
    flowMs: described(PositiveInt, 'The whole flow (default 300 000).'),
  },
  'Timeouts',
);

/** Per-call options every operation takes (`OperationOptions` of the TypeScript API, minus the signal). */
const CallOptions = t.partial({
  idempotencyKey: described(
    NonEmptyString,
    'E.g. the POS order id: a retry with the same key returns the first outcome instead of charging again.',
  ),
  flowId: described(NonEmptyString, 'Use this flow id instead of a generated one.'),
  timeouts: TimeoutsC,
});

const Common = t.partial({ merchantId: t.string, clerkId: t.string, invoiceNo: t.string });
const Token = t.partial({
  tokenRequest: described(t.string, '"1" asks the terminal for a token.'),
  token: t.string,
  tokenExpDate: t.string,
  tokenCardBrandValue: t.string,
});
const TenderTypeC = keyof(['all', 'cash', 'credit', 'debit', 'ebt', 'gift'], 'TenderType');
const PurchaseLevel2C = t.partial(
  {
    taxIndicator: t.string,
    taxAmount: CentsC,
    vatTaxAmount: CentsC,
    vatTaxRate: t.string,
    discountAmount: CentsC,
    freightAmount: CentsC,
    dutyAmount: CentsC,
    purchaseIdentifier: t.string,
    destinationPostalCode: t.string,
    destinationCountryCode: t.string,
    shipFromPostalCode: t.string,
    merchantTaxId: t.string,
    productDescription: t.string,
    purchaseCard3Details: t.string,
  },
  'PurchaseLevel2',
);
const Amount = described(CentsC, 'Integer cents: 1234 is 12.34.');

const operation = (name: string, required: t.Props, optional: t.Props) =>
  t.intersection(
    [TerminalRef, t.type(required), t.partial({ ...optional, ...Common.props, ...Token.props }), CallOptions],
    name,
  );

export const SaleParamsC = operation(
  'SaleParams',
  { amount: Amount },
  {
    tipAmount: CentsC,
    tenderType: TenderTypeC,
    orderNumber: t.string,
    merchantTaxId: t.string,
    supplierNo: t.string,
    commercialCardIndicator: t.string,
    purchaseLevel2: PurchaseLevel2C,
  },
);

export const RefundParamsC = operation(
  'RefundParams',
  { amount: Amount },
  {
    tipAmount: CentsC,
    tenderType: TenderTypeC,
    hostTransactionId: t.string,
    dccConversionRate: t.string,
    dccCardHolderCurrencyCode: t.string,
    dccAmount: CentsC,
    commercialCardIndicator: t.string,
  },
);

export const VoidParamsC = t.intersection(
  [
    TerminalRef,
    t.type({ referenceNo: described(NonEmptyString, 'The `referenceNo` of the transaction to void.') }),
    t.partial({ merchantId: t.string }),
    CallOptions,
  ],
  'VoidParams',
);

export const PreAuthParamsC = operation(
  'PreAuthParams',
  { amount: Amount },
  { tipAmount: CentsC, orderNumber: t.string, purchaseLevel2: PurchaseLevel2C },
);

export const PreAuthCompletionParamsC = operation(
  'PreAuthCompletionParams',
  { amount: Amount, referenceNo: described(NonEmptyString, 'The `referenceNo` of the pre-auth.') },
  { orderNumber: t.string, merchantTaxId: t.string, supplierNo: t.string, purchaseLevel2: PurchaseLevel2C },
);

export const ForceParamsC = operation(
  'ForceParams',
  { amount: Amount },
  {
    tenderType: TenderTypeC,
    orderNumber: t.string,
    ebtVoucherNo: t.string,
    ebtVoucherAppCode: t.string,
    purchaseLevel2: PurchaseLevel2C,
  },
);

export const TipAdjustParamsC = t.intersection(
  [TerminalRef, t.type({ referenceNo: NonEmptyString, tipAmount: CentsC }), Common, CallOptions],
  'TipAdjustParams',
);

export const CardBalanceParamsC = t.intersection(
  [
    TerminalRef,
    t.partial({
      tenderType: keyof(['credit', 'debit', 'ebt', 'gift'], 'BalanceTender'),
      tipAmount: CentsC,
      ...Common.props,
      ...Token.props,
    }),
    CallOptions,
  ],
  'CardBalanceParams',
);

export const ReprintReceiptParamsC = t.intersection(
  [
    TerminalRef,
    t.partial({
      reprintType: keyof(['merchant_copy', 'customer_copy'], 'ReprintType'),
      merchantId: t.string,
    }),
    CallOptions,
  ],
  'ReprintReceiptParams',
);

export const MerchantParamsC = t.intersection(
  [TerminalRef, t.partial({ merchantId: t.string }), CallOptions],
  'MerchantParams',
);

export const TerminalInfoParamsC = t.intersection([TerminalRef, CallOptions], 'TerminalInfoParams');

export const SetDateTimeParamsC = t.intersection(
  [
    TerminalRef,
    t.partial({
      at: described(t.string, 'ISO 8601 date-time to set (default: now, on the bridge clock).'),
      utc: described(t.boolean, 'Send the UTC fields of `at` instead of local time.'),
    }),
    CallOptions,
  ],
  'SetDateTimeParams',
);

export const ReportParamsC = t.intersection(
  [
    TerminalRef,
    t.type({ reportType: keyof(REPORT_TYPES, 'ReportType') }),
    t.partial({ parameterType: t.string }),
    Common,
    CallOptions,
  ],
  'ReportParams',
);

export const RawParamsC = t.intersection(
  [
    TerminalRef,
    t.type({
      endpoint: described(NonEmptyString, "'/tsi/v1/payment' or 'payment'…"),
      resource: described(JsonObjectC, 'Sent as is, without validation.'),
    }),
    CallOptions,
  ],
  'RawParams',
);

/** Where `terminal.open` connects: a terminal (or simulator) URL, or a simulator the bridge starts itself. */
export const SimulatorSpecC = t.partial(
  {
    eventDelayMs: described(NonNegativeInt, 'Delay before each simulated event (default 150).'),
    seed: described(NonNegativeInt, 'Seed of the simulator randomness.'),
    scenario: described(
      JsonObjectC,
      'A simulator scenario (docs/simulator.md): settings and per-request rules (proceedEvents, reject, outcome…).',
    ),
    interactive: described(
      t.boolean,
      "Interactive mode: sale-like flows wait for the customer's action (simulator.customer) instead of deciding by amount.",
    ),
    customerTimeoutMs: described(
      PositiveInt,
      'Interactive mode: how long a flow waits for the customer before it ends as timed out (default 60000).',
    ),
  },
  'SimulatorSpec',
);

export const OpenParamsC = t.partial(
  {
    terminalId: described(NonEmptyString, 'Choose the id (default: t1, t2…); refused if already open.'),
    url: described(NonEmptyString, 'ws://host:50000 of the terminal. Give this or `simulator`.'),
    simulator: t.union([t.boolean, SimulatorSpecC]),
    endpointMode: keyof(['multi', 'single'], 'EndpointMode'),
    timeouts: TimeoutsC,
    connectTimeoutMs: PositiveInt,
    journalDir: described(
      NonEmptyString,
      'Directory of a file journal (one bridge at a time). Without it the journal is in memory.',
    ),
    reconnect: described(t.boolean, 'Reconnect after an unexpected drop (default true).'),
    queueLimit: described(PositiveInt, 'Operations waiting for the terminal before `busy` (default 16).'),
    autoReconcile: described(
      t.boolean,
      'Reconcile by itself after a dropped link or an unknown outcome (default true). A console teaching the manual reconcile turns it off.',
    ),
    frames: described(
      t.boolean,
      'Announce every frame in and out (card numbers masked) as terminal.frame notifications (default false).',
    ),
    reconcileOnOpen: described(
      t.boolean,
      'Reconcile the flows the journal holds open before returning (default true when journalDir is given).',
    ),
  },
  'OpenParams',
);

export const TerminalRefC = t.intersection([TerminalRef, t.partial({})], 'TerminalRef');

export const OutcomeGetParamsC = t.union(
  [
    t.type({ terminalId: NonEmptyString, idempotencyKey: NonEmptyString }, 'ByIdempotencyKey'),
    t.type({ terminalId: NonEmptyString, flowId: NonEmptyString }, 'ByFlowId'),
  ],
  'OutcomeGetParams',
);

export const NoParamsC = t.partial({}, 'NoParams');

export type OpenParams = t.TypeOf<typeof OpenParamsC>;

export const ResolveFlowParamsC = t.intersection(
  [
    TerminalRef,
    t.type({
      flowId: NonEmptyString,
      verdict: described(
        keyof(['recovered', 'not_found', 'failed'], 'ResolutionVerdict'),
        'recovered: the terminal has it (give `resource`); not_found / failed: it never ran (its key may be used again).',
      ),
    }),
    t.partial({
      resource: described(
        JsonObjectC,
        'For recovered: the final result found, { status: "completed", results: [...] }.',
      ),
      note: t.string,
    }),
  ],
  'ResolveFlowParams',
);

export const CustomerActionParamsC = t.intersection(
  [
    TerminalRef,
    t.type({
      action: described(
        keyof(
          [
            'approve',
            'insert_card',
            'enter_pin',
            'decline',
            'wrong_pin',
            'cancel',
            'walk_away',
            'pull_cable',
            'busy',
          ],
          'CustomerAction',
        ),
        'approve: tap a test card (approved); insert_card: insert a chip card, the terminal asks for the PIN (screen enter_pin); enter_pin: the customer types the PIN (approved); decline; wrong_pin; cancel; walk_away (customer timeout); pull_cable (the sale is recorded, the link drops before its result); busy: toggles an occupied terminal.',
      ),
    }),
  ],
  'CustomerActionParams',
);
