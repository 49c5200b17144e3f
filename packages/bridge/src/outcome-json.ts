import type { ConnectionState, Diagnostic, ReconcileReport, TransactionOutcome } from '@bluechip-ws/client';
import type { FlowSummary } from '@bluechip-ws/core';
import { classifyFinal, type TransactionResult } from '@bluechip-ws/protocol';

/**
 * Library values as plain JSON for the wire: functions (`ack`) dropped, Maps turned into objects, errors
 * into `{ name, message, code }`. One function per shape, each matching its codec in schema/results.ts.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonRecord = { [key: string]: Json };

// Results, `raw` and `errorInfo` come from a parsed wire frame, so they are JSON already: they are passed
// by reference (no deep copy on every call); only the Maps of a result need turning into objects.
export function resultJson(result: TransactionResult): JsonRecord {
  const out: JsonRecord = {};
  for (const [key, value] of Object.entries(result)) {
    if (value === undefined) continue;
    out[key] = value instanceof Map ? (Object.fromEntries(value) as Json) : (value as Json);
  }
  return out;
}

export function outcomeJson(outcome: Omit<TransactionOutcome, 'ack'>): JsonRecord {
  return {
    kind: outcome.kind,
    flowId: outcome.flowId,
    type: outcome.type,
    status: outcome.status,
    results: outcome.results.map(resultJson),
    source: outcome.source,
    raw: outcome.raw as Json,
    ...(outcome.resultStatus === undefined ? {} : { resultStatus: outcome.resultStatus }),
    ...(outcome.result === undefined ? {} : { result: resultJson(outcome.result) }),
    ...(outcome.errorInfo === undefined ? {} : { errorInfo: { ...outcome.errorInfo } }),
    ...(outcome.partial === undefined ? {} : { partial: { ...outcome.partial } }),
    ...(outcome.replayed === true ? { replayed: true } : {}),
  };
}

/** A final resource the journal holds, as the outcome an operation would have returned. */
export function journaledOutcome(
  flowId: string,
  type: string,
  resource: object,
  replayed: boolean,
  /** The request sent, so an approval for less is reported as a partial approval. */
  request?: Record<string, unknown>,
): JsonRecord {
  const classified = classifyFinal(resource as Record<string, unknown>, request);
  return outcomeJson({ ...classified, flowId, type, source: 'event', ...(replayed ? { replayed } : {}) });
}

export function reportJson(report: ReconcileReport): JsonRecord {
  return {
    at: report.at,
    unresolved: report.unresolved,
    flows: report.flows.map((flow) => ({
      flowId: flow.flowId,
      type: flow.type,
      verdict: flow.verdict,
      source: flow.source,
      note: flow.note,
      ...(flow.amount === undefined ? {} : { amount: flow.amount }),
      ...(flow.idempotencyKey === undefined ? {} : { idempotencyKey: flow.idempotencyKey }),
      ...(flow.sentAt === undefined ? {} : { sentAt: flow.sentAt }),
      ...(flow.outcome === undefined ? {} : { outcome: outcomeJson(flow.outcome) }),
    })),
    ...(report.recall === undefined ? {} : { recall: jsonSafe(report.recall) as JsonRecord }),
  };
}

export function stateJson(state: ConnectionState): JsonRecord {
  return jsonSafe(state) as JsonRecord;
}

export function diagnosticJson(diagnostic: Diagnostic): { kind: string; detail: JsonRecord } {
  const { kind, ...detail } = diagnostic;
  return { kind, detail: jsonSafe(detail) as JsonRecord };
}

/** What the journal knows of a flow, for `outcome.get`. */
export function flowRecordJson(flow: FlowSummary): JsonRecord {
  const type = typeof flow.request?.type === 'string' ? flow.request.type : 'unknown';
  const reconciled = flow.reconciled;
  const recovered = reconciled?.verdict === 'recovered' ? (reconciled.resource ?? flow.final) : undefined;
  const final = recovered ?? flow.final;
  const state =
    reconciled?.verdict === 'recovered'
      ? 'recovered'
      : reconciled?.verdict === 'not_found'
        ? 'not_found'
        : reconciled?.verdict === 'failed'
          ? 'failed'
          : flow.final !== undefined && (flow.finalAcked || flow.ended?.outcome === 'completed')
            ? 'completed'
            : flow.ended?.outcome === 'failed'
              ? 'failed'
              : flow.ended?.outcome === 'unknown'
                ? 'unknown'
                : 'open';
  return {
    flowId: flow.flowId,
    state,
    type,
    ...(flow.idempotencyKey === undefined ? {} : { idempotencyKey: flow.idempotencyKey }),
    ...(flow.sentAt === undefined ? {} : { sentAt: flow.sentAt }),
    ...(final === undefined
      ? {}
      : { outcome: journaledOutcome(flow.flowId, type, final, true, flow.request) }),
    ...(flow.ended?.error === undefined ? {} : { error: { ...flow.ended.error } }),
    ...(reconciled?.note === undefined ? {} : { note: reconciled.note }),
  };
}

/** A deep copy holding only JSON values (no functions, Maps as objects, errors described, no cycles). */
export function jsonSafe(value: unknown, depth = 0): Json {
  if (depth > 32) return '[too deep]';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  if (value instanceof Map) return jsonSafe(Object.fromEntries(value), depth + 1);
  if (Array.isArray(value)) return value.map((item) => jsonSafe(item, depth + 1));
  if (typeof value === 'object') {
    const out: JsonRecord = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function') continue;
      out[key] = jsonSafe(item, depth + 1);
    }
    return out;
  }
  return null;
}
