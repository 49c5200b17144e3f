import type {
  CamelCase,
  COMMON_PARAMETERS,
  OperationParams,
  PurchaseLevel2Params,
  ReportType,
  TENDER_TYPES,
  TOKEN_PARAMETERS,
} from '@bluechip-ws/protocol';

/**
 * Typed parameters of each operation, in camelCase, computed from the protocol's operation table
 * (`OPERATIONS`, `PARAMETERS`: what each field holds and means); `toWire` maps them to the wire's snake_case
 * (docs/protocol.md). Every amount is `Cents`: build it with `cents(6417)` or `parseAmount("64.17")`.
 */

export type TenderType = (typeof TENDER_TYPES)[number];

/** Level-2 purchase data, sent as `purchase_level_2`. */
export type PurchaseLevel2 = PurchaseLevel2Params;

export type SaleParams = OperationParams<'sale'>;
export type RefundParams = OperationParams<'refund'>;
/** `referenceNo`: the terminal's `reference_no` of the transaction to void. */
export type VoidParams = OperationParams<'void'>;
export type PreAuthParams = OperationParams<'preAuth'>;
/** `referenceNo`: the `reference_no` of the pre-auth being completed. */
export type PreAuthCompletionParams = OperationParams<'preAuthCompletion'>;
export type ForceParams = OperationParams<'force'>;
export type TipAdjustParams = OperationParams<'tipAdjust'>;
export type CardBalanceParams = OperationParams<'cardBalance'>;
export type ReprintReceiptParams = OperationParams<'reprintReceipt'>;
/** The parameters of `recallLastTransaction` and `settlement`: the merchant id only. */
export type MerchantParams = OperationParams<'settlement'>;

/** Accepted by most operations: the merchant (multi-merchant selector), clerk and invoice. */
export type CommonParams = { readonly [K in (typeof COMMON_PARAMETERS)[number] as CamelCase<K>]?: string };

/** `tokenRequest: "1"` asks the terminal for a token; exclusive with the three other fields. */
export type TokenParams = { readonly [K in (typeof TOKEN_PARAMETERS)[number] as CamelCase<K>]?: string };

export interface SetDateTimeParams {
  /** The time to set; default now. */
  readonly at?: Date;
  /** Send the UTC fields of `at` instead of local time (default false: terminals show local time). */
  readonly utc?: boolean;
}

/** `parameterType`, for `parameters_report`: all, clerk, communication, receipt, security, setup… */
export type ReportParams = CommonParams & { readonly parameterType?: string };

export type { OperationParams, ReportType };
