import * as t from 'io-ts';
import { CentsParam, PurchaseLevel2, StringParam, TenderType } from './params.js';

/**
 * Typed request resources for the operations a POS uses (docs/protocol.md). Each is `{type, ...params}` with
 * the optional ones optional; `KnownRequest` covers the remaining known types table-driven, and
 * `UnknownRequest` is the permissive fallback for types this library does not know yet.
 */

const Common = t.partial({ merchant_id: StringParam, clerk_id: StringParam, invoice_no: StringParam });
const Token = t.partial({
  token_request: StringParam,
  token: StringParam,
  token_exp_date: StringParam,
  token_card_brand_value: StringParam,
});

const typed = <T extends string, P extends t.Props, O extends t.Props>(type: T, required: P, optional: O) =>
  t.intersection([t.type({ type: t.literal(type), ...required }), t.partial(optional), Common, Token], type);

export const SaleRequest = typed(
  'sale',
  { amount: CentsParam },
  {
    tip_amount: CentsParam,
    tender_type: TenderType,
    order_number: StringParam,
    merchant_tax_id: StringParam,
    supplier_no: StringParam,
    commercial_card_indicator: StringParam,
    purchase_level_2: PurchaseLevel2,
  },
);
export const RefundRequest = typed(
  'refund',
  { amount: CentsParam },
  {
    tip_amount: CentsParam,
    tender_type: TenderType,
    host_transaction_id: StringParam,
    dcc_conversion_rate: StringParam,
    dcc_card_holder_currency_code: StringParam,
    dcc_amount: CentsParam,
    commercial_card_indicator: StringParam,
  },
);
export const PreAuthRequest = typed(
  'pre_auth',
  { amount: CentsParam },
  { tip_amount: CentsParam, order_number: StringParam, purchase_level_2: PurchaseLevel2 },
);
export const PreAuthCompletionRequest = typed(
  'pre_auth_completion',
  { amount: CentsParam, reference_no: StringParam },
  {
    order_number: StringParam,
    merchant_tax_id: StringParam,
    supplier_no: StringParam,
    purchase_level_2: PurchaseLevel2,
  },
);
export const ForceRequest = typed(
  'force',
  { amount: CentsParam },
  {
    tender_type: TenderType,
    order_number: StringParam,
    ebt_voucher_no: StringParam,
    ebt_voucher_app_code: StringParam,
    purchase_level_2: PurchaseLevel2,
  },
);
export const VoidRequest = typed('void', { reference_no: StringParam }, {});
export const TipAdjustRequest = typed(
  'tip_adjust',
  { reference_no: StringParam, tip_amount: CentsParam },
  {},
);
export const CardBalanceInquiryRequest = typed(
  'card_balance_inquiry',
  {},
  { tender_type: t.keyof({ credit: null, debit: null, ebt: null, gift: null }), tip_amount: CentsParam },
);
export const ReprintReceiptRequest = typed(
  'reprint_receipt',
  {},
  { reprint_type: t.keyof({ merchant_copy: null, customer_copy: null }) },
);
export const RecallLastTransactionRequest = typed('recall_last_transaction', {}, {});
export const SettlementRequest = typed('settlement', {}, {});
export const AutoSettlementRequest = typed('auto_settlement', {}, {});
export const TerminalInfoRequest = typed('terminal_info', {}, {});
/** `date` is `YYMMDD`, `time` is `HHMMSS`. */
export const SetDateTimeRequest = typed(
  'set_date_time',
  {
    date: t.refinement(t.string, (s) => /^\d{6}$/.test(s), 'YYMMDD'),
    time: t.refinement(t.string, (s) => /^\d{6}$/.test(s), 'HHMMSS'),
  },
  {},
);
export const ReportRequest = t.intersection(
  [
    t.type({
      type: t.keyof({
        detail_report: null,
        summary_report: null,
        emv_last_tx_report: null,
        clerk_summary_report: null,
        parameters_report: null,
        activity_report: null,
        recent_error: null,
        clerk_id_list: null,
        emv_key_date_report: null,
      }),
    }),
    t.partial({ parameter_type: t.string }),
    Common,
  ],
  'ReportRequest',
);
/** `/log/v1/trace` is not type-based: `{"action":"start"|"stop"}` (docs/protocol.md). */
export const TraceRequest = t.type({ action: t.keyof({ start: null, stop: null }) }, 'TraceRequest');

/** Any other known type (gift, tab, token, EMV info…): table-checked parameters, see `validateRequest`. */
export const KnownRequest = t.intersection(
  [t.type({ type: t.string }), t.record(t.string, t.unknown)],
  'KnownRequest',
);
/** The fallback: any object with a string `type`. */
export const UnknownRequest = KnownRequest;

export type SaleRequest = t.TypeOf<typeof SaleRequest>;
export type RefundRequest = t.TypeOf<typeof RefundRequest>;
export type PreAuthRequest = t.TypeOf<typeof PreAuthRequest>;
export type PreAuthCompletionRequest = t.TypeOf<typeof PreAuthCompletionRequest>;
export type ForceRequest = t.TypeOf<typeof ForceRequest>;
export type VoidRequest = t.TypeOf<typeof VoidRequest>;
export type TipAdjustRequest = t.TypeOf<typeof TipAdjustRequest>;
export type CardBalanceInquiryRequest = t.TypeOf<typeof CardBalanceInquiryRequest>;
export type ReprintReceiptRequest = t.TypeOf<typeof ReprintReceiptRequest>;
export type RecallLastTransactionRequest = t.TypeOf<typeof RecallLastTransactionRequest>;
export type SettlementRequest = t.TypeOf<typeof SettlementRequest>;
export type AutoSettlementRequest = t.TypeOf<typeof AutoSettlementRequest>;
export type TerminalInfoRequest = t.TypeOf<typeof TerminalInfoRequest>;
export type SetDateTimeRequest = t.TypeOf<typeof SetDateTimeRequest>;
export type ReportRequest = t.TypeOf<typeof ReportRequest>;
export type TraceRequest = t.TypeOf<typeof TraceRequest>;
export type KnownRequest = t.TypeOf<typeof KnownRequest>;

/** Codecs for the typed operations, by `type`. */
export const REQUEST_CODECS: Readonly<Record<string, t.Mixed>> = {
  sale: SaleRequest,
  refund: RefundRequest,
  pre_auth: PreAuthRequest,
  pre_auth_completion: PreAuthCompletionRequest,
  force: ForceRequest,
  void: VoidRequest,
  tip_adjust: TipAdjustRequest,
  card_balance_inquiry: CardBalanceInquiryRequest,
  reprint_receipt: ReprintReceiptRequest,
  recall_last_transaction: RecallLastTransactionRequest,
  settlement: SettlementRequest,
  auto_settlement: AutoSettlementRequest,
  terminal_info: TerminalInfoRequest,
  set_date_time: SetDateTimeRequest,
};

/** The discriminated union on `type` of every typed request. */
export type TypedRequest =
  | SaleRequest
  | RefundRequest
  | PreAuthRequest
  | PreAuthCompletionRequest
  | ForceRequest
  | VoidRequest
  | TipAdjustRequest
  | CardBalanceInquiryRequest
  | ReprintReceiptRequest
  | RecallLastTransactionRequest
  | SettlementRequest
  | AutoSettlementRequest
  | TerminalInfoRequest
  | SetDateTimeRequest
  | ReportRequest;

export type RequestResource = TypedRequest | TraceRequest | KnownRequest;
