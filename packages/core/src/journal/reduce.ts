import { decodeFrame } from '@bluechip-ws/protocol';
import { EVENT_FRAME, type FlowSummary, type JournalRecord, type JsonObject } from './types.js';

/** Bounds the reducer applies so that one chatty flow (a trace stream, say) cannot grow without limit. */
export interface FoldLimits {
  /** Most event resources kept per flow; the oldest are dropped first. The final one is also kept apart. */
  readonly maxEventsPerFlow: number;
}

/**
 * 64 by default: a sale sends a handful of events, and no rule needs the older ones (recovery reads the
 * request, the final and its ack). Each kept event is a parsed resource of a few dozen objects that every
 * garbage collection walks; at 1 000 per flow they were most of the session's cost per frame.
 */
export const DEFAULT_FOLD_LIMITS: FoldLimits = { maxEventsPerFlow: 64 };

/** Events a settled flow keeps (the most recent; its final is kept apart): enough to explain it later. */
export const SETTLED_EVENTS_KEPT = 8;

/**
 * The event list of a settled flow whose only event is its final (most sales): it reads as `[final]`. An
 * index keeps 10 000 settled flows, and a one-element list is two more objects each that every major garbage
 * collection walks (about 4k instructions per sale end to end). Shared and never written: an event filed
 * later makes the list real again (`keepEvent`).
 */
const ONLY_THE_FINAL: KeptEvent[] = Object.freeze([]) as unknown as KeptEvent[];

/** Conflicting finals kept per flow (the most recent): the flag stays set whatever the count. */
export const MAX_CONFLICTS_KEPT = 8;

/** A flow the journal has heard of but knows nothing else about yet. */
export function emptyFlow(flowId: string): MutableFlow {
  return own({ flowId, started: false, events: [], finalAcked: false }, 'share');
}

/**
 * An event as a journal's index keeps it: its parsed resource, or, for an event the session journaled, the
 * frame text it was decoded from (`EVENT_FRAME`), decoded again when a copy is made. A frame
 * is one flat string, shared with the session's resend detection; a parsed resource is a few dozen objects
 * that every garbage collection walks for as long as the flow is kept (at 10 000 open flows that was a third
 * of the session's cost per frame).
 */
export type KeptEvent = JsonObject | string;

/** How `applyRecord` keeps an event: always its resource, or its frame when the record has one. */
export type EventForm = 'resource' | 'frame';

/**
 * A summary the journal owns and updates in place, its event list included; readers only ever get copies
 * (`copyFlow`), which copy the lists too and decode kept frames. The final is kept like an event (its frame,
 * when the record has one): an index keeps up to 10 000 settled flows, and their parsed finals were most of
 * what every major garbage collection walked (about a fifth of a session's instructions per flow). The rules
 * read only the final's status, kept apart in `finalStatus`, and decode the final itself only for a second
 * final (rare).
 */
export type MutableFlow = Omit<{ -readonly [K in keyof FlowSummary]: FlowSummary[K] }, 'events' | 'final'> & {
  events: KeptEvent[];
  final: KeptEvent | undefined;
  /** The final resource's `status` (as it came, not stringified): what `ackAcknowledgesFinal` reads. */
  finalStatus: unknown;
};

/**
 * Every owned summary is built here with the same keys in the same order (absent ones `undefined`), so V8
 * gives them one hidden class: folding a record is then a fast field write, not a megamorphic spread (it was
 * the largest cost of an in-memory journal on the session's hot path).
 */
function own(f: FlowSummary | MutableFlow, lists: 'share' | 'copy' = 'copy'): MutableFlow {
  const copy = lists === 'copy';
  return {
    flowId: f.flowId,
    endpoint: f.endpoint,
    request: f.request,
    idempotencyKey: f.idempotencyKey,
    sentAt: f.sentAt,
    started: f.started,
    events: f.events === ONLY_THE_FINAL || !copy ? (f.events as KeptEvent[]) : f.events.slice(),
    final: f.final,
    finalStatus: 'finalStatus' in f ? f.finalStatus : f.final?.status,
    finalAcked: f.finalAcked,
    conflict: f.conflict,
    conflicts: copy ? f.conflicts?.slice() : f.conflicts,
    ended: f.ended,
    reconciled: f.reconciled,
  };
}

/** What a settled flow kept as columns (`SettledFlows`) is made of: no conflicts, no verdict, no error. */
export interface PlainSettledFields {
  readonly flowId: string;
  readonly endpoint: string | undefined;
  readonly request: JsonObject | undefined;
  readonly idempotencyKey: string | undefined;
  readonly sentAt: number | undefined;
  readonly started: boolean;
  /** The kept events; undefined for none, or for `onlyFinal`. */
  readonly events: KeptEvent[] | undefined;
  readonly onlyFinal: boolean;
  readonly final: KeptEvent | undefined;
  readonly finalStatus: unknown;
  readonly finalAcked: boolean;
  readonly ended: MutableFlow['ended'];
}

/** A summary rebuilt from its columns, in `own`'s shape (the same hidden class as every other). */
export function ownedFlow(f: PlainSettledFields): MutableFlow {
  return {
    flowId: f.flowId,
    endpoint: f.endpoint,
    request: f.request,
    idempotencyKey: f.idempotencyKey,
    sentAt: f.sentAt,
    started: f.started,
    events: f.onlyFinal ? ONLY_THE_FINAL : (f.events ?? []),
    final: f.final,
    finalStatus: f.finalStatus,
    finalAcked: f.finalAcked,
    conflict: undefined,
    conflicts: undefined,
    ended: f.ended,
    reconciled: undefined,
  };
}

/** Whether a summary's events read as `[final]` (see `ONLY_THE_FINAL`). */
export function keepsOnlyTheFinal(flow: Pick<MutableFlow, 'events'>): boolean {
  return flow.events === ONLY_THE_FINAL;
}

/** A copy a reader can keep: later records do not change it, and its events and final are resources. */
export function copyFlow(f: FlowSummary | MutableFlow): FlowSummary {
  return {
    flowId: f.flowId,
    endpoint: f.endpoint,
    request: f.request,
    idempotencyKey: f.idempotencyKey,
    sentAt: f.sentAt,
    started: f.started,
    events: eventsOf(f).map(resourceOf),
    final: f.final === undefined ? undefined : resourceOf(f.final),
    finalAcked: f.finalAcked,
    conflict: f.conflict,
    conflicts: f.conflicts?.slice(),
    ended: f.ended,
    reconciled: f.reconciled,
  };
}

/** A summary for an index to own (a compacted journal's snapshot, restored). */
export function ownFlow(summary: FlowSummary): MutableFlow {
  return own(summary);
}

/** A kept event's resource: a kept frame is decoded again (it decoded when it arrived, so it does again). */
export function resourceOf(kept: KeptEvent): JsonObject {
  if (typeof kept !== 'string') return kept;
  const decoded = decodeFrame(kept, { maxBytes: Number.MAX_SAFE_INTEGER });
  // Only a caller that set EVENT_FRAME itself (it is internal) can hand over a frame that does not decode.
  return decoded._tag === 'Right' ? decoded.right.resource : { status: 'unreadable_frame' };
}

/**
 * Folds one record into what is known of its flow. Pure: returns a new summary and never mutates `flow`.
 * A record may be the first one seen for its flow (an unclaimed event for an unknown flow id, or a journal
 * whose older records were compacted away), so every kind starts from an empty flow when needed.
 */
export function foldRecord(
  flow: FlowSummary | MutableFlow | undefined,
  record: JournalRecord,
  limits: FoldLimits = DEFAULT_FOLD_LIMITS,
): FlowSummary {
  const base = own(flow ?? emptyFlow(record.flowId));
  applyRecord(base, record, limits);
  return copyFlow(base);
}

/**
 * The reducer's rules, applied in place to a summary the caller owns (the journal's index, which then
 * allocates nothing per record, and keeps intermediate events as their frames: `form` 'frame').
 * `foldRecord` is the pure form.
 */
export function applyRecord(
  flow: MutableFlow,
  record: JournalRecord,
  limits: FoldLimits = DEFAULT_FOLD_LIMITS,
  form: EventForm = 'resource',
): void {
  applyRule(flow, record, limits, form);
  const events = flow.events;
  // A settled flow needs its final, not its history: a peer's stream of events cannot pile up in it.
  if (events.length > SETTLED_EVENTS_KEPT && !isOpenFlow(flow)) {
    flow.events = events.slice(events.length - SETTLED_EVENTS_KEPT);
  } else if (events.length === 1 && events[0] === flow.final && !isOpenFlow(flow)) {
    flow.events = ONLY_THE_FINAL;
  }
}

/** A summary's event list as it reads (`ONLY_THE_FINAL` is `[final]`). */
function eventsOf(f: {
  readonly events: readonly KeptEvent[];
  readonly final?: KeptEvent;
}): readonly KeptEvent[] {
  return f.events === ONLY_THE_FINAL && f.final !== undefined ? [f.final] : f.events;
}

function applyRule(flow: MutableFlow, record: JournalRecord, limits: FoldLimits, form: EventForm): void {
  switch (record.kind) {
    case 'request_sent':
      flow.endpoint = record.endpoint;
      flow.request = record.resource;
      flow.sentAt = record.at;
      if (record.idempotencyKey !== undefined) flow.idempotencyKey = record.idempotencyKey;
      return;
    case 'started':
      flow.started = true;
      return;
    case 'event':
      if (record.final && (record.conflict === true || isConflict(flow.final, record))) {
        // The first final answer is the outcome; a different one is kept apart and flags the flow.
        flow.conflict = true;
        flow.conflicts = appendBounded(flow.conflicts ?? [], record.resource, MAX_CONFLICTS_KEPT);
        return;
      }
      // The same final journaled again (a resend seen by a later process) changes nothing.
      if (record.final && flow.final !== undefined) return;
      keepEvent(flow, record, limits, form);
      return;
    case 'ack_sent':
      if (record.conflict !== true && ackAcknowledgesFinal(flow, record.status)) flow.finalAcked = true;
      return;
    case 'flow_ended':
      flow.ended =
        record.error === undefined
          ? { outcome: record.outcome, at: record.at }
          : { outcome: record.outcome, at: record.at, error: record.error };
      return;
    case 'reconciled':
      flow.reconciled = {
        verdict: record.verdict,
        at: record.at,
        ...(record.resource === undefined ? {} : { resource: record.resource }),
        ...(record.note === undefined ? {} : { note: record.note }),
      };
      return;
  }
}

/** Files an accepted event: in the list, and as the outcome if it is the (first) final. */
function keepEvent(
  flow: MutableFlow,
  record: JournalRecord & { kind: 'event' },
  limits: FoldLimits,
  form: EventForm,
): void {
  const kept = form === 'resource' ? record.resource : (record[EVENT_FRAME] ?? record.resource);
  if (flow.events === ONLY_THE_FINAL) flow.events = [...eventsOf(flow)];
  pushBounded(flow.events, kept, limits.maxEventsPerFlow);
  if (record.final) {
    flow.final = kept;
    flow.finalStatus = record.resource.status;
    flow.finalAcked = false;
  }
}

/** Folds records in order into one summary per flow, in order of each flow's first record. */
export function foldRecords(
  records: Iterable<JournalRecord>,
  limits: FoldLimits = DEFAULT_FOLD_LIMITS,
): Map<string, FlowSummary> {
  const flows = new Map<string, FlowSummary>();
  for (const record of records)
    flows.set(record.flowId, foldRecord(flows.get(record.flowId), record, limits));
  return flows;
}

/** Verdicts after which reconciliation has nothing more to do for a flow. */
export function isTerminalVerdict(verdict: NonNullable<FlowSummary['reconciled']>['verdict']): boolean {
  return verdict !== 'still_unknown';
}

/**
 * A flow needs attention (recovery must look at it) when its final result was not acked, it ended as
 * unknown, or it never ended — unless reconciliation already reached a terminal verdict for it. An ending
 * `completed` means the final result was taken care of (acked, or a final response that needs no ack).
 * Events for a flow id this POS never sent (no request) that carry no final result need nothing: such flows
 * are settled at once, so a peer that invents flow ids cannot fill the journal with open flows.
 */
export function isOpenFlow(
  flow: Pick<FlowSummary, 'reconciled' | 'request' | 'finalAcked' | 'ended'> & { readonly final?: unknown },
): boolean {
  if (flow.reconciled !== undefined && isTerminalVerdict(flow.reconciled.verdict)) return false;
  // Events of a flow this POS never sent, with no final result: nothing to recover, nothing owed.
  if (flow.request === undefined && flow.final === undefined) return false;
  if (flow.ended?.outcome === 'completed') return false;
  if (flow.final !== undefined && !flow.finalAcked) return true;
  return flow.ended === undefined || flow.ended.outcome === 'unknown';
}

/**
 * Whether an ack_sent record acknowledges the final event. Before a final event arrived an ack is for an
 * intermediate one. After it, the record's status is either the wire ack's status ("ok") or the acked
 * event's status; a late re-ack of an intermediate event (another status) does not count.
 */
function ackAcknowledgesFinal(flow: Pick<MutableFlow, 'final' | 'finalStatus'>, ackStatus: string): boolean {
  if (flow.final === undefined) return false;
  const finalStatus = flow.finalStatus;
  return typeof finalStatus !== 'string' || ackStatus === finalStatus || ackStatus === 'ok';
}

/**
 * Whether a final differs from the flow's first one. Rare (a second final), so decoding a kept frame and
 * comparing texts is fine; the same bytes again are the same final.
 */
function isConflict(first: KeptEvent | undefined, next: JournalRecord & { kind: 'event' }): boolean {
  if (first === undefined || first === next.resource || first === next[EVENT_FRAME]) return false;
  return JSON.stringify(resourceOf(first)) !== JSON.stringify(next.resource);
}

/**
 * Appends in place, dropping the oldest beyond `max`. Every proceed event of a live flow comes through
 * here: copying the list each time (as it once did) cost O(events) per event and most of a journaled
 * event's garbage. A full list drops one element per append with `shift`, which V8 does without copying
 * (it moves the start of the backing store) and without allocating (`splice` returns a new array of what it
 * removed). The list is the index's own; readers get copies.
 */
function pushBounded(events: KeptEvent[], event: KeptEvent, max: number): void {
  while (events.length >= max) events.shift();
  events.push(event);
}

function appendBounded(events: readonly JsonObject[], event: JsonObject, max: number): readonly JsonObject[] {
  const kept = events.length >= max ? events.slice(events.length - max + 1) : events;
  return [...kept, event];
}
