import type { FlowSummary, JournalRecord, JsonObject } from './types.js';

/**
 * Structural checks for what a journal reads back from storage (or is handed by untyped callers). They
 * check the shape the reducer relies on, not the TSI contents of resources.
 */

const OUTCOMES: ReadonlySet<unknown> = new Set(['completed', 'failed', 'unknown']);
const VERDICTS: ReadonlySet<unknown> = new Set(['recovered', 'not_found', 'still_unknown', 'failed']);

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const optional = (value: unknown, check: (v: unknown) => boolean): boolean =>
  value === undefined || check(value);

function isErrorInfo(value: unknown): boolean {
  return (
    isJsonObject(value) && isString(value.code) && isString(value.message) && optional(value.busy, isBoolean)
  );
}

export function isJournalRecord(value: unknown): value is JournalRecord {
  if (!isJsonObject(value) || !isString(value.flowId) || !isTime(value.at)) return false;
  switch (value.kind) {
    case 'request_sent':
      return (
        isString(value.endpoint) && isJsonObject(value.resource) && optional(value.idempotencyKey, isString)
      );
    case 'started':
      return true;
    case 'event':
      return (
        isString(value.status) &&
        typeof value.final === 'boolean' &&
        isJsonObject(value.resource) &&
        optional(value.unclaimed, isBoolean) &&
        optional(value.conflict, isBoolean)
      );
    case 'ack_sent':
      return isString(value.status) && optional(value.conflict, isBoolean);
    case 'flow_ended':
      return OUTCOMES.has(value.outcome) && optional(value.error, isErrorInfo);
    case 'reconciled':
      return (
        VERDICTS.has(value.verdict) &&
        optional(value.resource, isJsonObject) &&
        optional(value.note, isString)
      );
    default:
      return false;
  }
}

export function isFlowSummary(value: unknown): value is FlowSummary {
  if (!isJsonObject(value) || !isString(value.flowId)) return false;
  if (typeof value.started !== 'boolean' || typeof value.finalAcked !== 'boolean') return false;
  if (!Array.isArray(value.events) || !value.events.every(isJsonObject)) return false;
  const { ended, reconciled } = value;
  return (
    optional(value.endpoint, isString) &&
    optional(value.request, isJsonObject) &&
    optional(value.idempotencyKey, isString) &&
    optional(value.sentAt, isTime) &&
    optional(value.final, isJsonObject) &&
    optional(value.conflict, isBoolean) &&
    optional(value.conflicts, (c) => Array.isArray(c) && c.every(isJsonObject)) &&
    optional(
      ended,
      (e) => isJsonObject(e) && OUTCOMES.has(e.outcome) && isTime(e.at) && optional(e.error, isErrorInfo),
    ) &&
    optional(
      reconciled,
      (r) =>
        isJsonObject(r) &&
        VERDICTS.has(r.verdict) &&
        isTime(r.at) &&
        optional(r.resource, isJsonObject) &&
        optional(r.note, isString),
    )
  );
}

/** What a durable journal stored for one append (`{ r: record }`) or one compacted flow (`{ s: summary }`). */
export type StoredJournalEntry =
  | { readonly kind: 'record'; readonly record: JournalRecord }
  | { readonly kind: 'snapshot'; readonly flow: FlowSummary }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Reads a stored entry back with the guards, for every durable journal alike; `undefined` when the object is
 * neither (a journal may store other kinds of its own, such as the file journal's segment header).
 */
export function readStoredEntry(value: JsonObject): StoredJournalEntry | undefined {
  if ('r' in value) {
    return isJournalRecord(value.r)
      ? { kind: 'record', record: value.r }
      : { kind: 'invalid', reason: 'malformed record' };
  }
  if ('s' in value) {
    return isFlowSummary(value.s)
      ? { kind: 'snapshot', flow: value.s }
      : { kind: 'invalid', reason: 'malformed snapshot' };
  }
  return undefined;
}
