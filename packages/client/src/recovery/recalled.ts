import type { JsonObject } from '@bluechip-ws/core';
import { isJsonObject, parseTransactionDate } from '@bluechip-ws/protocol';
import { cents } from './flow-kind.js';

/** The terminal's last transaction, as `recall_last_transaction` reported it. */
export interface RecalledTransaction {
  /** The recall's final resource, kept whole: it becomes the recovered flow's result. */
  readonly resource: JsonObject;
  /** `results[0]` as received. */
  readonly result: JsonObject;
  readonly type?: string;
  readonly status?: string;
  /** `transaction_amount` in cents. */
  readonly amount?: number;
  readonly referenceNo?: string;
  readonly originalReferenceNo?: string;
  /** `transaction_date` + `transaction_time` on the terminal's clock, read as local time (epoch ms). */
  readonly at?: number;
}

/** What the recall answered: a transaction, or that the terminal has none. */
export type RecallAnswer =
  | { readonly kind: 'found'; readonly transaction: RecalledTransaction }
  | { readonly kind: 'none'; readonly resource: JsonObject };

const NOT_FOUND = /not_found|no_record|no_transaction/i;

/** Reads a recall's final resource; `undefined` when it carries no usable result (the caller says why). */
export function readRecall(resource: JsonObject): RecallAnswer | undefined {
  const results = resource.results;
  const first: unknown = Array.isArray(results) ? results[0] : undefined;
  if (!isJsonObject(first)) return undefined;
  const status = str(first.status);
  if (status !== undefined && NOT_FOUND.test(status)) return { kind: 'none', resource };
  const date = str(first.transaction_date);
  const time = str(first.transaction_time);
  const at = date === undefined ? undefined : parseTransactionDate(date, time)?.getTime();
  return {
    kind: 'found',
    transaction: strip({
      resource,
      result: first,
      type: str(first.type),
      status,
      amount: cents(first.transaction_amount),
      referenceNo: str(first.reference_no),
      originalReferenceNo: str(first.original_reference_no),
      at,
    }),
  };
}

/** One line for notes and reports: "sale approved 12.34, reference 7, at 2026-11-27T03:01:15". */
export function describeRecalled(tx: RecalledTransaction): string {
  const parts = [tx.type ?? 'transaction', tx.status ?? 'unknown status'];
  if (tx.amount !== undefined) parts.push(formatCents(tx.amount));
  const ref = tx.referenceNo === undefined ? '' : `, reference ${tx.referenceNo}`;
  const at = tx.at === undefined ? '' : `, at ${localTime(tx.at)}`;
  return `${parts.join(' ')}${ref}${at}`;
}

export function formatCents(value: number): string {
  return `${Math.trunc(value / 100)}.${String(value % 100).padStart(2, '0')}`;
}

/** Local wall-clock time, as the terminal prints it on its reports. */
export function localTime(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

function strip<T extends object>(o: T): T {
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] === undefined) delete o[key];
  return o;
}
