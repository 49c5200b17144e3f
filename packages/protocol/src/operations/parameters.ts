/**
 * Every documented request parameter (docs/protocol.md), once: its wire name, what it holds, a short human
 * label (the console's forms) and, where the name does not say it all, a doc line (the OpenRPC document).
 * The wire codecs (`PARAMETER_CODECS`, the typed requests), the client's parameter types and the bridge's
 * params codecs are all derived from these rows.
 */

/** What a parameter holds. */
export type ParameterKind =
  /** Integer cents: a JSON number or a digit string on the wire, `Cents` in the API. */
  | { readonly kind: 'cents' }
  /** A string; some tools send a number where the spec shows a string, so the wire accepts both. */
  | { readonly kind: 'text'; readonly nonEmpty?: true; readonly orObject?: true }
  /** A string and only a string; `format` is checked by the typed request (`set_date_time`). */
  | { readonly kind: 'string'; readonly format?: 'YYMMDD' | 'HHMMSS' }
  /** One of `choices` (a typed request checks them; other types take any string). */
  | { readonly kind: 'choice'; readonly name: string; readonly choices: readonly string[] }
  /** Level-2 purchase data: an object of the `LEVEL2_PARAMETERS`. */
  | { readonly kind: 'level2' };

export type ParameterRow = ParameterKind & { readonly label: string; readonly doc?: string };

export const TENDER_TYPES = ['all', 'cash', 'credit', 'debit', 'ebt', 'gift'] as const;

/** The top-level parameters of a request resource. */
export const PARAMETERS = {
  amount: { kind: 'cents', label: 'Amount', doc: 'Integer cents: 1234 is 12.34.' },
  tip_amount: { kind: 'cents', label: 'Tip' },
  dcc_amount: { kind: 'cents', label: 'Amount in the card currency (DCC)' },
  tender_type: { kind: 'choice', name: 'TenderType', choices: TENDER_TYPES, label: 'Tender type' },
  clerk_id: { kind: 'text', label: 'Clerk id' },
  invoice_no: { kind: 'text', label: 'Invoice number' },
  merchant_id: { kind: 'text', label: 'Merchant id', doc: 'Multi-merchant selector.' },
  reference_no: {
    kind: 'text',
    nonEmpty: true,
    label: 'Reference number',
    doc: "The terminal's `referenceNo` of the earlier transaction.",
  },
  host_approval_code: { kind: 'text', label: 'Host approval code' },
  host_transaction_id: { kind: 'text', label: 'Host transaction id' },
  dcc_conversion_rate: { kind: 'text', label: 'DCC conversion rate' },
  dcc_card_holder_currency_code: { kind: 'text', label: 'Cardholder currency code (DCC)' },
  ebt_voucher_no: { kind: 'text', label: 'EBT voucher number' },
  ebt_voucher_app_code: { kind: 'text', label: 'EBT voucher approval code' },
  merchant_tax_id: { kind: 'text', label: 'Merchant tax id' },
  supplier_no: { kind: 'text', label: 'Supplier number' },
  commercial_card_indicator: { kind: 'text', label: 'Commercial card indicator' },
  order_number: { kind: 'text', label: 'Order number' },
  token_request: { kind: 'text', label: 'Ask for a token', doc: '"1" asks the terminal for a token.' },
  token: { kind: 'text', label: 'Card token' },
  token_exp_date: { kind: 'text', label: 'Token expiry date' },
  token_card_brand_value: { kind: 'text', label: 'Token card brand' },
  purchase_level_2: { kind: 'level2', label: 'Level-2 purchase data' },
  parameter_type: {
    kind: 'string',
    label: 'Parameter type',
    doc: 'For parameters_report: all, clerk, communication, receipt, security, setup…',
  },
  date: { kind: 'string', format: 'YYMMDD', label: 'Date (YYMMDD)' },
  time: { kind: 'string', format: 'HHMMSS', label: 'Time (HHMMSS)' },
  reprint_type: {
    kind: 'choice',
    name: 'ReprintType',
    choices: ['merchant_copy', 'customer_copy'],
    label: 'Copy to reprint',
  },
} as const satisfies Readonly<Record<string, ParameterRow>>;

/** The fields of `purchase_level_2`. */
export const LEVEL2_PARAMETERS = {
  tax_indicator: { kind: 'text', label: 'Tax indicator' },
  tax_amount: { kind: 'cents', label: 'Tax' },
  vat_tax_amount: { kind: 'cents', label: 'VAT' },
  vat_tax_rate: { kind: 'text', label: 'VAT rate' },
  discount_amount: { kind: 'cents', label: 'Discount' },
  freight_amount: { kind: 'cents', label: 'Freight' },
  duty_amount: { kind: 'cents', label: 'Duty' },
  purchase_identifier: { kind: 'text', label: 'Purchase identifier' },
  destination_postal_code: { kind: 'text', label: 'Destination postal code' },
  destination_country_code: { kind: 'text', label: 'Destination country code' },
  ship_from_postal_code: { kind: 'text', label: 'Ship-from postal code' },
  merchant_tax_id: { kind: 'text', label: 'Merchant tax id' },
  product_description: { kind: 'text', label: 'Product description' },
  purchase_card_3_details: { kind: 'text', orObject: true, label: 'Purchase card level-3 details' },
} as const satisfies Readonly<Record<string, ParameterRow>>;

export type ParameterName = keyof typeof PARAMETERS;
export type Level2Name = keyof typeof LEVEL2_PARAMETERS;

const parameterRows: ReadonlyMap<string, ParameterRow> = new Map(Object.entries(PARAMETERS));

/** The row of a parameter, by wire name; `undefined` for any other string (never the prototype's). */
export function parameterRow(name: string): ParameterRow | undefined {
  return parameterRows.get(name);
}

/** A parameter's human label (the console's forms); the wire name for one this library does not know. */
export function parameterLabel(name: string): string {
  return parameterRows.get(name)?.label ?? name;
}

/** The top-level parameters in integer cents. */
export const CENTS_PARAMETERS: readonly ParameterName[] = (Object.keys(PARAMETERS) as ParameterName[]).filter(
  (name) => PARAMETERS[name].kind === 'cents',
);

/** `tip_amount` → `tipAmount`, `purchase_level_2` → `purchaseLevel2`: the API's names of wire parameters. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

export function camelCase<S extends string>(name: S): CamelCase<S> {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) as CamelCase<S>;
}
