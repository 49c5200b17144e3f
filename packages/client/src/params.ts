import type { Cents, ReportType } from '@bluechip-ws/protocol';

/**
 * Typed parameters of each operation, in camelCase; `toWire` maps them to the wire's snake_case
 * (docs/protocol.md). Every amount is `Cents`: build it with `cents(6417)` or `parseAmount("64.17")`.
 */

export type TenderType = 'all' | 'cash' | 'credit' | 'debit' | 'ebt' | 'gift';

/** Accepted by most operations. */
export interface CommonParams {
  /** Multi-merchant selector. */
  readonly merchantId?: string;
  readonly clerkId?: string;
  readonly invoiceNo?: string;
}

export interface TokenParams {
  /** `"1"` asks the terminal for a token; exclusive with the three fields below. */
  readonly tokenRequest?: string;
  readonly token?: string;
  readonly tokenExpDate?: string;
  readonly tokenCardBrandValue?: string;
}

/** Level-2 purchase data, sent as `purchase_level_2`. */
export interface PurchaseLevel2 {
  readonly taxIndicator?: string;
  readonly taxAmount?: Cents;
  readonly vatTaxAmount?: Cents;
  readonly vatTaxRate?: string;
  readonly discountAmount?: Cents;
  readonly freightAmount?: Cents;
  readonly dutyAmount?: Cents;
  readonly purchaseIdentifier?: string;
  readonly destinationPostalCode?: string;
  readonly destinationCountryCode?: string;
  readonly shipFromPostalCode?: string;
  readonly merchantTaxId?: string;
  readonly productDescription?: string;
  readonly purchaseCard3Details?: string;
}

export interface SaleParams extends CommonParams, TokenParams {
  readonly amount: Cents;
  readonly tipAmount?: Cents;
  readonly tenderType?: TenderType;
  readonly orderNumber?: string;
  readonly merchantTaxId?: string;
  readonly supplierNo?: string;
  readonly commercialCardIndicator?: string;
  readonly purchaseLevel2?: PurchaseLevel2;
}

export interface RefundParams extends CommonParams, TokenParams {
  readonly amount: Cents;
  readonly tipAmount?: Cents;
  readonly tenderType?: TenderType;
  readonly hostTransactionId?: string;
  readonly dccConversionRate?: string;
  readonly dccCardHolderCurrencyCode?: string;
  readonly dccAmount?: Cents;
  readonly commercialCardIndicator?: string;
}

export interface VoidParams {
  /** The terminal's `reference_no` of the transaction to void. */
  readonly referenceNo: string;
  readonly merchantId?: string;
}

export interface PreAuthParams extends CommonParams, TokenParams {
  readonly amount: Cents;
  readonly tipAmount?: Cents;
  readonly orderNumber?: string;
  readonly purchaseLevel2?: PurchaseLevel2;
}

export interface PreAuthCompletionParams extends CommonParams, TokenParams {
  readonly amount: Cents;
  /** The `reference_no` of the pre-auth being completed. */
  readonly referenceNo: string;
  readonly orderNumber?: string;
  readonly merchantTaxId?: string;
  readonly supplierNo?: string;
  readonly purchaseLevel2?: PurchaseLevel2;
}

export interface ForceParams extends CommonParams, TokenParams {
  readonly amount: Cents;
  readonly tenderType?: TenderType;
  readonly orderNumber?: string;
  readonly ebtVoucherNo?: string;
  readonly ebtVoucherAppCode?: string;
  readonly purchaseLevel2?: PurchaseLevel2;
}

export interface TipAdjustParams extends CommonParams {
  readonly referenceNo: string;
  readonly tipAmount: Cents;
}

export interface CardBalanceParams extends CommonParams, TokenParams {
  readonly tenderType?: 'credit' | 'debit' | 'ebt' | 'gift';
  readonly tipAmount?: Cents;
}

export interface ReprintReceiptParams {
  readonly reprintType?: 'merchant_copy' | 'customer_copy';
  readonly merchantId?: string;
}

export interface MerchantParams {
  readonly merchantId?: string;
}

export interface SetDateTimeParams {
  /** The time to set; default now. */
  readonly at?: Date;
  /** Send the UTC fields of `at` instead of local time (default false: terminals show local time). */
  readonly utc?: boolean;
}

export interface ReportParams extends CommonParams {
  /** For `parameters_report`: all, clerk, communication, receipt, security, setup… */
  readonly parameterType?: string;
}

export type { ReportType };
