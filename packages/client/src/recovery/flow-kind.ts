import type { FlowSummary, JsonObject } from '@bluechip-ws/core';
import { REPORT_TYPES } from '@bluechip-ws/protocol';

/**
 * What recovery can do with a flow, by its request type:
 *  - `transaction`: moves money and shows up in `recall_last_transaction`, so it can be matched;
 *  - `read_only`: moves nothing (info, reports, recall itself) or is safe to repeat (`set_date_time`);
 *  - `other`: changes terminal state but recall cannot show it (settlement, gift, tabs…): the operator checks.
 */
export type FlowKind = 'transaction' | 'read_only' | 'other';

const TRANSACTION_TYPES: ReadonlySet<string> = new Set([
  'sale',
  'refund',
  'void',
  'force',
  'pre_auth',
  'pre_auth_completion',
  'auth_only',
  'tip_adjust',
]);

const READ_ONLY_TYPES: ReadonlySet<string> = new Set([
  ...REPORT_TYPES,
  'recall_last_transaction',
  'card_balance_inquiry',
  'reprint_receipt',
  'terminal_info',
  'set_date_time',
]);

export function requestType(request: JsonObject | undefined): string {
  const type = request?.type;
  return typeof type === 'string' ? type : 'unknown';
}

export function kindOfType(type: string): FlowKind {
  if (TRANSACTION_TYPES.has(type)) return 'transaction';
  if (READ_ONLY_TYPES.has(type)) return 'read_only';
  return 'other';
}

export function flowKind(flow: FlowSummary): FlowKind {
  return kindOfType(requestType(flow.request));
}

/** The request's amount in cents, when it had a usable one (numbers or digit strings). */
export function requestAmount(request: JsonObject | undefined): number | undefined {
  return cents(request?.amount);
}

export function cents(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}
