import type { FlowSummary, JsonObject } from '@bluechip-ws/core';
import { effectOf, isTransaction } from '@bluechip-ws/protocol';

/**
 * What recovery can do with a flow, by its request type (the `effect` column of the protocol's request-type
 * table):
 *  - `transaction`: moves money and shows up in `recall_last_transaction`, so it can be matched;
 *  - `read_only`: moves nothing (info, reports, recall itself) or is safe to repeat (`set_date_time`);
 *  - `other`: changes terminal state but recall cannot show it (settlement, gift, tabs…): the operator checks.
 */
export type FlowKind = 'transaction' | 'read_only' | 'other';

export function requestType(request: JsonObject | undefined): string {
  const type = request?.type;
  return typeof type === 'string' ? type : 'unknown';
}

export function kindOfType(type: string): FlowKind {
  if (isTransaction(type)) return 'transaction';
  return effectOf(type) === 'read' ? 'read_only' : 'other';
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
