import { maskPan } from '@bluechip-ws/protocol';

/** One frame as the bridge announces it (`terminal.frame`). */
export interface FrameNote {
  readonly direction: 'in' | 'out';
  readonly path: string;
  readonly text: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

export type EntryKind =
  | 'request'
  | 'started'
  | 'refused'
  | 'proceed'
  | 'final'
  | 'error'
  | 'ack'
  | 'link_lost'
  | 'verdict'
  | 'other';
export type Mark = 'resend' | 'duplicate' | 'late' | 'unclaimed';

export interface TimelineEntry {
  readonly kind: EntryKind;
  readonly at: number;
  /** Milliseconds since the flow's request (or its first frame). */
  readonly offsetMs: number;
  readonly summary: string;
  readonly marks: readonly Mark[];
  /** For an ack: how long after the event it answers. */
  readonly ackLatencyMs?: number;
  readonly text: string;
}

export interface FlowTrack {
  readonly flowId: string;
  type: string | undefined;
  readonly firstAt: number;
  readonly entries: TimelineEntry[];
  /** Set when the bridge announced an outcome nobody waited for (`outcome.unclaimed`). */
  unclaimed: string | undefined;
  finalAcked: boolean;
  /** The flow ended: refused, final acked, cut off by a lost link, or settled by reconciliation. */
  ended: boolean;
}

interface Parsed {
  readonly envelope: string;
  readonly flowId: string;
  readonly resource: Record<string, unknown>;
}

function parse(text: string): Parsed | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const envelope of ['request', 'response', 'event', 'event_ack']) {
    const body = (value as Record<string, unknown>)[envelope];
    if (typeof body === 'object' && body !== null) {
      const { flow_id, resource } = body as { flow_id?: unknown; resource?: unknown };
      return {
        envelope,
        flowId: String(flow_id ?? ''),
        resource:
          typeof resource === 'object' && resource !== null ? (resource as Record<string, unknown>) : {},
      };
    }
  }
  return undefined;
}

const FINAL = new Set(['completed', 'ok', 'error']);

function firstResult(resource: Record<string, unknown>): Record<string, unknown> | undefined {
  const results = resource.results;
  return Array.isArray(results) && typeof results[0] === 'object' && results[0] !== null
    ? (results[0] as Record<string, unknown>)
    : undefined;
}

/** Flows kept, at most; the oldest go first (the page runs for hours). */
export const MAX_FLOWS = 200;

/**
 * Builds each flow's timeline from the frames: request → started → events → acks, with times from the
 * request and each ack's latency. An event seen again before its ack is a resend, after it a duplicate (a
 * final after the flow's final was acked: late); an event of a flow with no request seen is unclaimed.
 */
export class Timeline {
  readonly flows = new Map<string, FlowTrack>();
  /** Event texts per flow, with whether they were acked, to recognize resends and duplicates. */
  private readonly events = new Map<string, Map<string, { at: number; acked: boolean }>>();
  private readonly lastEvent = new Map<string, number>();

  add(frame: FrameNote): FlowTrack | undefined {
    const parsed = parse(frame.text);
    if (parsed === undefined || parsed.flowId === '') return undefined;
    const known = this.flows.get(parsed.flowId);
    const track = known ?? this.track(parsed.flowId, frame.at);
    const marks: Mark[] = [];
    let kind: EntryKind = 'other';
    let summary = parsed.envelope;
    let ackLatencyMs: number | undefined;
    const status = String(parsed.resource.status ?? '');
    switch (parsed.envelope) {
      case 'request':
        kind = 'request';
        track.type = String(parsed.resource.type ?? '');
        summary = `request ${track.type}`;
        break;
      case 'response':
        kind = status === 'started' ? 'started' : 'refused';
        if (kind === 'refused') track.ended = true;
        summary = status === 'started' ? 'started' : `response ${status}: ${errorText(parsed.resource)}`;
        break;
      case 'event': {
        const final = FINAL.has(status);
        kind = status === 'error' ? 'error' : final ? 'final' : 'proceed';
        const result = firstResult(parsed.resource);
        summary = `event ${status}${result?.status ? ` (${String(result.status)})` : ''}`;
        if (status === 'error') summary += `: ${errorText(parsed.resource)}`;
        if (known === undefined) marks.push('unclaimed');
        const seen = this.eventsOf(parsed.flowId);
        const before = seen.get(frame.text);
        if (before !== undefined)
          marks.push(before.acked ? (final && track.finalAcked ? 'late' : 'duplicate') : 'resend');
        else seen.set(frame.text, { at: frame.at, acked: false });
        this.lastEvent.set(parsed.flowId, frame.at);
        break;
      }
      case 'event_ack': {
        kind = 'ack';
        summary = 'event_ack';
        const eventAt = this.lastEvent.get(parsed.flowId);
        if (eventAt !== undefined) ackLatencyMs = frame.at - eventAt;
        const seen = this.eventsOf(parsed.flowId);
        let lastFinal = false;
        for (const [text, entry] of seen) {
          if (!entry.acked) {
            entry.acked = true;
            lastFinal = FINAL.has(String(parse(text)?.resource.status ?? ''));
          }
        }
        if (lastFinal) {
          track.finalAcked = true;
          track.ended = true;
        }
        break;
      }
    }
    track.entries.push({
      kind,
      at: frame.at,
      offsetMs: frame.at - track.firstAt,
      summary,
      marks,
      text: maskPan(frame.text),
      ...(ackLatencyMs === undefined ? {} : { ackLatencyMs }),
    });
    return track;
  }

  /** The link to the terminal was lost: every flow still running is cut off, its outcome unknown. */
  linkLost(at: number): FlowTrack[] {
    const cut = [...this.flows.values()].filter((track) => !track.ended);
    for (const track of cut) {
      track.ended = true;
      this.note(track, 'link_lost', at, 'link lost: outcome unknown');
    }
    return cut;
  }

  /** A reconciliation's verdict on a flow (`recovered, approved`, `not_found`, `still_unknown`…). */
  settled(flowId: string, verdict: string, at: number): FlowTrack | undefined {
    const track = this.flows.get(flowId);
    const summary = `reconciled: ${verdict}`;
    if (track !== undefined && track.entries.at(-1)?.summary !== summary) {
      track.ended = true;
      this.note(track, 'verdict', at, summary);
    }
    return track;
  }

  private note(track: FlowTrack, kind: EntryKind, at: number, summary: string): void {
    track.entries.push({ kind, at, offsetMs: at - track.firstAt, summary, marks: [], text: '' });
  }

  /** The bridge announced a result nobody waited for. */
  markUnclaimed(flowId: string, reason: string): FlowTrack | undefined {
    const track = this.flows.get(flowId);
    if (track !== undefined) track.unclaimed = reason;
    return track;
  }

  /** A flow as JSON, for export: its entries and frames (card numbers masked). */
  exportFlow(flowId: string): string | undefined {
    const track = this.flows.get(flowId);
    if (track === undefined) return undefined;
    return JSON.stringify(
      {
        flowId: track.flowId,
        type: track.type,
        unclaimed: track.unclaimed,
        entries: track.entries.map((e) => ({
          ...e,
          at: new Date(e.at).toISOString(),
          frame: safeJson(e.text),
        })),
      },
      (key, value) => (key === 'text' ? undefined : value),
      2,
    );
  }

  private track(flowId: string, at: number): FlowTrack {
    const track: FlowTrack = {
      flowId,
      type: undefined,
      firstAt: at,
      entries: [],
      unclaimed: undefined,
      finalAcked: false,
      ended: false,
    };
    this.flows.set(flowId, track);
    while (this.flows.size > MAX_FLOWS) {
      const oldest = this.flows.keys().next().value as string;
      this.flows.delete(oldest);
      this.events.delete(oldest);
      this.lastEvent.delete(oldest);
    }
    return track;
  }

  private eventsOf(flowId: string): Map<string, { at: number; acked: boolean }> {
    let seen = this.events.get(flowId);
    if (seen === undefined) {
      seen = new Map();
      this.events.set(flowId, seen);
    }
    return seen;
  }
}

function errorText(resource: Record<string, unknown>): string {
  const info = resource.error_info as { text?: unknown } | undefined;
  return typeof info?.text === 'string' ? info.text : '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
