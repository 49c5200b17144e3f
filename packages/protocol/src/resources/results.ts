import * as t from 'io-ts';
import { JsonObjectC } from '../envelope.js';
import { isJsonObject, type JsonObject, own } from '../json.js';
import { type Cents, readCents } from '../money.js';
import { StringParam } from './params.js';

/** `resource.status` of responses and events (docs/protocol.md). */
export const RESPONSE_STATUSES = ['started', 'completed', 'error'] as const;
export const EVENT_STATUSES = ['proceed', 'completed', 'ok', 'error'] as const;

/** Every event status but `proceed` ends the flow; unknown statuses are final failures (docs/protocol.md). */
export function isFinalEventStatus(status: unknown): boolean {
  return status !== 'proceed';
}

/** `error_info` (docs/protocol.md): every field optional. */
export interface ErrorInfo {
  readonly code?: string;
  readonly code_extended?: string;
  readonly text?: string;
  readonly time?: string;
  readonly facility?: string;
}

export const ErrorInfoC = t.partial(
  { code: StringParam, code_extended: StringParam, text: t.string, time: t.string, facility: t.string },
  'ErrorInfo',
);

const CodeText = t.partial({ code: StringParam, text: t.string });

/** A sale-like result (docs/protocol.md), as an io-ts codec for strict checks. Amounts: number or string. */
export const TransactionResultC = t.partial(
  {
    status: t.string,
    type: t.string,
    authorization_no: StringParam,
    reference_no: StringParam,
    batch_no: StringParam,
    terminal_id: StringParam,
    merchant_id: StringParam,
    host_response_text: t.string,
    host_response_code: StringParam,
    total_amount: StringParam,
    transaction_amount: StringParam,
    tip_amount: StringParam,
    transaction_date: t.string,
    transaction_time: t.string,
    card: t.partial({ account_no: t.string, entry_mode: CodeText, type: CodeText }),
    emv: t.partial({
      aid: t.string,
      application_label: t.string,
      tsi: t.string,
      tvr: t.string,
      cvm_result: StringParam,
      data: t.record(t.string, t.string),
    }),
    unknown: t.array(t.partial({ report_tag_label: t.string, report_tag_value: t.unknown })),
    parameters: JsonObjectC,
  },
  'TransactionResult',
);

/** A normalized view of one `results[i]`: typed where the field was well-formed, with the raw object kept. */
export interface TransactionResult {
  readonly status?: string;
  readonly type?: string;
  readonly authorizationNo?: string;
  readonly referenceNo?: string;
  readonly batchNo?: string;
  readonly terminalId?: string;
  readonly merchantId?: string;
  readonly hostResponseText?: string;
  readonly hostResponseCode?: string;
  readonly totalAmount?: Cents;
  readonly transactionAmount?: Cents;
  readonly tipAmount?: Cents;
  /** Raw `YY/MM/DD` and `HH:MM:SS`; see `parseTransactionDate`. */
  readonly transactionDate?: string;
  readonly transactionTime?: string;
  readonly card?: {
    readonly accountNo?: string;
    readonly entryMode?: { readonly code?: string; readonly text?: string };
    readonly type?: { readonly code?: string; readonly text?: string };
  };
  readonly emv?: JsonObject;
  /** `unknown[]` tags as label → value. */
  readonly unknownTags: ReadonlyMap<string, unknown>;
  /** terminal_info `parameters`, keys trimmed of their trailing colon and spaces ("Build Number:" → "Build Number"). */
  readonly parameters: ReadonlyMap<string, unknown>;
  /** Signature, when the terminal sent one (docs/protocol.md): base64 BMP. */
  readonly signature?: string;
  readonly raw: JsonObject;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

function codeText(v: unknown): { code?: string; text?: string } | undefined {
  if (!isJsonObject(v)) return undefined;
  return strip({ code: str(own(v, 'code')), text: str(own(v, 'text')) });
}

/**
 * Drops undefined fields by copying, not with `delete`: deleting turns an object into a slow dictionary,
 * and results are read on every final event.
 */
function strip<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const key in o) {
    const value = o[key];
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

/** Label keys keep their label text ("TSI version: "); trimmed keys are what a caller would type. */
export function normalizeLabel(label: string): string {
  return label.trim().replace(/:$/, '').trim();
}

/** Reads one result permissively: numbers or strings for codes and amounts, missing fields allowed. */
export function readResult(raw: JsonObject): TransactionResult {
  const unknownTags = new Map<string, unknown>();
  const list = own(raw, 'unknown');
  if (Array.isArray(list)) {
    for (const item of list) {
      if (isJsonObject(item) && typeof own(item, 'report_tag_label') === 'string') {
        unknownTags.set(normalizeLabel(item.report_tag_label as string), own(item, 'report_tag_value'));
      }
    }
  }
  const parameters = new Map<string, unknown>();
  const params = own(raw, 'parameters');
  if (isJsonObject(params)) {
    for (const key of Object.keys(params)) parameters.set(normalizeLabel(key), params[key]);
  }
  const cardRaw = own(raw, 'card');
  const card = isJsonObject(cardRaw)
    ? strip({
        accountNo: str(own(cardRaw, 'account_no')),
        entryMode: codeText(own(cardRaw, 'entry_mode')),
        type: codeText(own(cardRaw, 'type')),
      })
    : undefined;
  const signature = str(parameters.get('SignatureData')) ?? str(unknownTags.get('SignatureData'));
  const emv = own(raw, 'emv');
  return strip({
    status: str(own(raw, 'status')),
    type: str(own(raw, 'type')),
    authorizationNo: str(own(raw, 'authorization_no')),
    referenceNo: str(own(raw, 'reference_no')),
    batchNo: str(own(raw, 'batch_no')),
    terminalId: str(own(raw, 'terminal_id')),
    merchantId: str(own(raw, 'merchant_id')),
    hostResponseText: str(own(raw, 'host_response_text')),
    hostResponseCode: str(own(raw, 'host_response_code')),
    totalAmount: readCents(own(raw, 'total_amount')),
    transactionAmount: readCents(own(raw, 'transaction_amount')),
    tipAmount: readCents(own(raw, 'tip_amount')),
    transactionDate: str(own(raw, 'transaction_date')),
    transactionTime: str(own(raw, 'transaction_time')),
    card,
    emv: isJsonObject(emv) ? emv : undefined,
    unknownTags,
    parameters,
    signature,
    raw,
  });
}

export function readErrorInfo(value: unknown): ErrorInfo | undefined {
  if (!isJsonObject(value)) return undefined;
  return strip({
    code: str(own(value, 'code')),
    code_extended: str(own(value, 'code_extended')),
    text: str(own(value, 'text')),
    time: str(own(value, 'time')),
    facility: str(own(value, 'facility')),
  });
}

/** The `results` array of an event or response resource, read permissively (non-objects are skipped). */
export function readResults(resource: JsonObject): TransactionResult[] {
  const results = own(resource, 'results');
  if (!Array.isArray(results)) return [];
  const out: TransactionResult[] = [];
  for (const item of results) if (isJsonObject(item)) out.push(readResult(item));
  return out;
}
