import * as t from 'io-ts';
import { JsonObjectC } from '../envelope.js';

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

const AMOUNT_REQUIRED = [
  'sale',
  'pre_auth',
  'refund',
  'force',
  'pre_auth_completion',
  'auth_only',
  'reload',
  'activation',
  'block_activation',
  'redemption',
  'add_tip',
  'force_issuance',
  'force_activation',
  'force_redemption',
  'reactivation',
  'block_reactivation',
  'tab_open',
  'tab_open_force',
  'force_pre_auth',
  'tab_close',
  'force_tab_close',
  'transaction_adjustment',
  'incremental_authorization',
  'force_incremental_authorization',
];
const REFERENCE_REQUIRED = [
  'void',
  'pre_auth_completion',
  'tab_close',
  'force_tab_close',
  'tab_delete',
  'tip_adjust',
  'transaction_adjustment',
  'incremental_authorization',
  'force_incremental_authorization',
];

/** Parameters a request of a type cannot do without (Ingenico's input map; the tool always sends `amount`). */
export const REQUIRED_PARAMETERS: ReadonlyMap<string, readonly string[]> = (() => {
  const required = new Map<string, string[]>();
  const add = (type: string, param: string) => required.set(type, [...(required.get(type) ?? []), param]);
  for (const type of AMOUNT_REQUIRED) add(type, 'amount');
  for (const type of REFERENCE_REQUIRED) add(type, 'reference_no');
  add('tip_adjust', 'tip_amount');
  add('set_date_time', 'date');
  add('set_date_time', 'time');
  return required;
})();
