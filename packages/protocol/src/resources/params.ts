import * as t from 'io-ts';
import { JsonObjectC } from '../envelope.js';
import { REQUEST_TYPES, type RequestTypeRow } from '../operations/request-types.js';

/** Integer cents as a JSON number or a digit string: Ingenico's tools send both (docs/protocol.md). */
export const CentsParam = new t.Type<number | string, number | string, unknown>(
  'CentsParam',
  (u): u is number | string =>
    (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0) ||
    (typeof u === 'string' && /^\d{1,15}$/.test(u)),
  (u, c) =>
    (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0) ||
    (typeof u === 'string' && /^\d{1,15}$/.test(u))
      ? t.success(u)
      : t.failure(u, c, 'expected integer cents (number or digit string)'),
  t.identity,
);

/** A string, or a number that some tools send where the spec shows a string. */
export const StringParam = t.union([t.string, t.number]);

export const TenderType = t.keyof({
  all: null,
  cash: null,
  credit: null,
  debit: null,
  ebt: null,
  gift: null,
});

/** Level-2 purchase data: an object of optional strings (docs/protocol.md). */
export const PurchaseLevel2 = t.partial({
  tax_indicator: StringParam,
  tax_amount: CentsParam,
  vat_tax_amount: CentsParam,
  vat_tax_rate: StringParam,
  discount_amount: CentsParam,
  freight_amount: CentsParam,
  duty_amount: CentsParam,
  purchase_identifier: StringParam,
  destination_postal_code: StringParam,
  destination_country_code: StringParam,
  ship_from_postal_code: StringParam,
  merchant_tax_id: StringParam,
  product_description: StringParam,
  purchase_card_3_details: t.union([StringParam, JsonObjectC]),
});

/** Every documented request parameter (docs/protocol.md) with its codec. Unknown parameters pass through untouched. */
export const PARAMETER_CODECS: Readonly<Record<string, t.Mixed>> = {
  amount: CentsParam,
  tip_amount: CentsParam,
  dcc_amount: CentsParam,
  tender_type: t.string,
  clerk_id: StringParam,
  invoice_no: StringParam,
  merchant_id: StringParam,
  reference_no: StringParam,
  host_approval_code: StringParam,
  host_transaction_id: StringParam,
  dcc_conversion_rate: StringParam,
  dcc_card_holder_currency_code: StringParam,
  ebt_voucher_no: StringParam,
  ebt_voucher_app_code: StringParam,
  merchant_tax_id: StringParam,
  supplier_no: StringParam,
  commercial_card_indicator: StringParam,
  order_number: StringParam,
  token_request: StringParam,
  token: StringParam,
  token_exp_date: StringParam,
  token_card_brand_value: StringParam,
  purchase_level_2: PurchaseLevel2,
  parameter_type: t.string,
  date: t.string,
  time: t.string,
  reprint_type: t.string,
};

/** Parameters a request of a type cannot do without: the `requires` column of the request-type table. */
export const REQUIRED_PARAMETERS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries(REQUEST_TYPES as Readonly<Record<string, RequestTypeRow>>).flatMap(([type, row]) =>
    row.requires === undefined ? [] : [[type, row.requires] as const],
  ),
);
