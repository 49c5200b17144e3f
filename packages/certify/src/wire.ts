import type { FrameRecord, LogEntry, RunningSimulator } from '@bluechip-ws/simulator';
import type { Subscription } from 'rxjs';

const ENVELOPES = ['request', 'response', 'event', 'event_ack'] as const;
export type EnvelopeKind = (typeof ENVELOPES)[number];

/** A frame as the kit reads it: the envelope when it has one, and what is wrong with its shape. */
export interface InspectedFrame {
  readonly envelope: EnvelopeKind | undefined;
  readonly flowId: string | undefined;
  readonly endpoint: string | undefined;
  readonly resource: Readonly<Record<string, unknown>> | undefined;
  /** Empty when the frame is a well-formed TSI envelope. */
  readonly problems: readonly string[];
}

export type WireEntry =
  | {
      readonly kind: 'frame';
      readonly at: number;
      readonly direction: 'in' | 'out';
      readonly connection: number;
      readonly path: string;
      readonly text: string;
      readonly frame: InspectedFrame;
    }
  | { readonly kind: 'log'; readonly at: number; readonly log: LogEntry };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads one frame's text; never throws. */
export function inspectFrame(text: string): InspectedFrame {
  const problems: string[] = [];
  const none = { envelope: undefined, flowId: undefined, endpoint: undefined, resource: undefined };
  if (text.startsWith('<binary frame'))
    return { ...none, problems: ['a binary frame (TSI frames are text)'] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ...none, problems: ['not JSON'] };
  }
  if (!isObject(value)) return { ...none, problems: ['not a JSON object'] };
  const keys = Object.keys(value);
  const kinds = keys.filter((k): k is EnvelopeKind => (ENVELOPES as readonly string[]).includes(k));
  if (kinds.length !== 1 || keys.length !== 1) {
    return { ...none, problems: [`top-level keys ${JSON.stringify(keys)}: expected exactly one envelope`] };
  }
  const envelope = kinds[0]!;
  const inner = value[envelope];
  if (!isObject(inner)) return { ...none, envelope, problems: [`"${envelope}" is not an object`] };
  const flowId = inner.flow_id;
  if (typeof flowId !== 'string' || flowId === '')
    problems.push('flow_id is missing or not a non-empty string');
  const endpoint = inner.endpoint;
  if (endpoint !== undefined && typeof endpoint !== 'string') problems.push('endpoint is not a string');
  const resource = inner.resource;
  if (!isObject(resource)) problems.push('resource is missing or not an object');
  return {
    envelope,
    flowId: typeof flowId === 'string' ? flowId : undefined,
    endpoint: typeof endpoint === 'string' ? endpoint : undefined,
    resource: isObject(resource) ? resource : undefined,
    problems,
  };
}

/** Most entries one scenario keeps; a POS flooding the link cannot grow memory without bound. */
export const MAX_ENTRIES = 5000;

/**
 * Everything the simulator saw and did, as one timeline per scenario: frames both ways (card numbers
 * masked) and its log. `begin()` starts a new scenario's timeline.
 */
export class WireRecorder {
  private entries: WireEntry[] = [];
  private dropped = 0;
  private readonly subscriptions: Subscription[] = [];

  attach(sim: Pick<RunningSimulator, 'frames$' | 'log$'>): void {
    this.subscriptions.push(
      sim.frames$.subscribe((f: FrameRecord) =>
        this.push({
          kind: 'frame',
          at: f.at,
          direction: f.direction,
          connection: f.connection,
          path: f.path,
          text: f.text,
          frame: inspectFrame(f.text),
        }),
      ),
      sim.log$.subscribe((log) => this.push({ kind: 'log', at: log.at, log })),
    );
  }

  detach(): void {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
  }

  begin(): void {
    this.entries = [];
    this.dropped = 0;
  }

  /** The timeline since `begin()`, and how many entries were left out beyond `MAX_ENTRIES`. */
  timeline(): { readonly entries: readonly WireEntry[]; readonly dropped: number } {
    return { entries: [...this.entries], dropped: this.dropped };
  }

  /** Resolves when `predicate` holds for the timeline, or after `timeoutMs` (with false). */
  async waitFor(predicate: (entries: readonly WireEntry[]) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (predicate(this.entries)) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return predicate(this.entries);
  }

  private push(entry: WireEntry): void {
    if (this.entries.length >= MAX_ENTRIES) {
      this.dropped++;
      return;
    }
    this.entries.push(entry);
  }
}

/** Most characters of a frame shown in the wire log; a frame a problem points at gets `CITED_FRAME_CHARS`. */
export const FRAME_CHARS = 400;
export const CITED_FRAME_CHARS = 64 * 1024;

/** One line per entry, times relative to `origin`: `+12 ms  #1 POS->TERM /tsi/v1/payment {…}`. */
export function describeEntry(entry: WireEntry, origin: number, maxText = FRAME_CHARS): string {
  const at = `+${Math.max(0, Math.round(entry.at - origin))} ms`.padEnd(10);
  if (entry.kind === 'log') {
    const conn = entry.log.connection === undefined ? '' : ` #${entry.log.connection}`;
    return `${at}${conn} [${entry.log.kind}] ${entry.log.message}`;
  }
  const arrow = entry.direction === 'in' ? 'POS->TERM' : 'TERM->POS';
  const text =
    entry.text.length > maxText
      ? `${entry.text.slice(0, maxText)}… (${entry.text.length} chars)`
      : entry.text;
  return `${at} #${entry.connection} ${arrow} ${entry.path} ${text}`;
}
