import { type TextPage, TextPages } from '../text-pages.js';
import { type KeptEvent, keepsOnlyTheFinal, type MutableFlow, ownedFlow } from './reduce.js';

type Outcome = NonNullable<MutableFlow['ended']>['outcome'];

/** The reference columns, by index (`SettledFlows.refs`). */
export const COLUMN = {
  id: 0,
  object: 1,
  endpoint: 2,
  request: 3,
  events: 4,
  key: 5,
  final: 6,
  finalStatus: 7,
} as const;
const COLUMNS = 8;
type Columns = [
  ids: (string | undefined)[],
  objects: (MutableFlow | undefined)[],
  endpoints: (string | undefined)[],
  requests: MutableFlow['request'][],
  events: (KeptEvent[] | undefined)[],
  keys: (string | undefined)[],
  /** A kept final, or the page its frame's bytes are in (flag FINAL_PAGED; where in `spans`). */
  finals: (KeptEvent | TextPage | undefined)[],
  finalStatuses: unknown[],
];

const STARTED = 1;
const FINAL_ACKED = 2;
const ENDED = 4;
const SENT_AT = 8;
const ONLY_FINAL = 16;
const OUTCOME_SHIFT = 5;
/** The final is a frame kept as bytes in a `TextPage` (the top bit: outcomes take bits 5 and 6). */
const FINAL_PAGED = 128;
const OUTCOMES: readonly Outcome[] = ['completed', 'failed', 'unknown'];

/**
 * An index's settled flows, in the order they settled (the order they are evicted in), kept as columns: one
 * slot per flow across a few arrays. A settled sale is its id, request, final frame, kept events and two
 * times; as a summary object it was four more objects (the summary, its `ended`, two boxed times) that lived
 * for 10 000 sales, were promoted, and were walked by every major garbage collection: measured, more of a
 * sale's cost end to end than the final frames themselves. The final frames are kept as bytes outside the
 * collected heap (`TextPages`): as strings, their bytes promoted each sale set the pace of major collections.
 * A flow whose summary has more than that (conflicting finals, a reconciliation verdict, an error) is kept
 * as its object in the slot.
 *
 * Slots are addressed by a sequence number (the index's Map holds it for the flow id); `read` gives the
 * summary back as an object, `write` stores it again in the same slot (it stays settled: its place in the
 * eviction order is kept), `kill` frees a slot whose flow opened again or left.
 */
export class SettledFlows {
  private capacity = 0;
  private mask = 0;
  private head = 0;
  private tail = 0;
  private dead = 0;
  /** `COLUMN`'s columns, `capacity` slots each. */
  private refs = [] as unknown as Columns;
  private flags = new Uint8Array(0);
  /** Two per slot: when the request was sent, when the flow ended. */
  private times = new Float64Array(0);
  /** Three per slot: a paged final's page generation, and where its bytes are there (offset, length). */
  private spans = new Int32Array(0);
  /**
   * The last paged final `read` decoded, and its slot: a summary read and written back unchanged (a record
   * after the flow settled) keeps its bytes where they are instead of writing them again.
   */
  private decodedAt = -1;
  private decoded: string | undefined;

  /** `moved`: a compaction gave a flow a new sequence number (the owner's map must learn it). */
  /** `texts`: where final frames are kept as bytes (its own, unless a test looks at them). */
  constructor(
    private readonly moved: (flowId: string, seq: number) => void,
    private readonly texts: TextPages = new TextPages(),
  ) {
    this.allocate(16);
  }

  /** Slots from the oldest kept to the newest, dead ones included (bounded: see `makeRoom`). */
  get span(): number {
    return this.tail - this.head;
  }

  /** Files a flow that just settled, newest; returns its sequence number. */
  push(flow: MutableFlow): number {
    if (this.tail - this.head === this.capacity) this.makeRoom();
    const seq = this.tail++;
    this.store(seq & this.mask, flow);
    return seq;
  }

  /** The flow id in a slot (undefined: dead). */
  idOf(seq: number): string | undefined {
    return this.refs[COLUMN.id][seq & this.mask];
  }

  /** The idempotency key of a slot's flow. */
  keyOf(seq: number): string | undefined {
    const at = seq & this.mask;
    const object = this.refs[COLUMN.object][at];
    return object === undefined ? this.refs[COLUMN.key][at] : object.idempotencyKey;
  }

  /** The summary in a slot, as an object the caller may change and `write` back. */
  read(seq: number): MutableFlow {
    const at = seq & this.mask;
    const refs = this.refs;
    const object = refs[COLUMN.object][at];
    if (object !== undefined) return object;
    const flags = this.flags[at] as number;
    return ownedFlow({
      flowId: refs[COLUMN.id][at] as string,
      endpoint: refs[COLUMN.endpoint][at],
      request: refs[COLUMN.request][at],
      idempotencyKey: refs[COLUMN.key][at],
      sentAt: flags & SENT_AT ? this.times[2 * at] : undefined,
      started: (flags & STARTED) !== 0,
      events: refs[COLUMN.events][at],
      onlyFinal: (flags & ONLY_FINAL) !== 0,
      final: flags & FINAL_PAGED ? this.decode(at) : (refs[COLUMN.final][at] as KeptEvent | undefined),
      finalStatus: refs[COLUMN.finalStatus][at],
      finalAcked: (flags & FINAL_ACKED) !== 0,
      ended:
        flags & ENDED
          ? {
              outcome: OUTCOMES[(flags >> OUTCOME_SHIFT) & 3] as Outcome,
              at: this.times[2 * at + 1] as number,
            }
          : undefined,
    });
  }

  /** Stores a slot's summary again: its flow is still settled and keeps its place. */
  write(seq: number, flow: MutableFlow): void {
    this.store(seq & this.mask, flow);
  }

  /** Frees a slot (its flow opened again, was replaced or evicted). */
  kill(seq: number): void {
    const at = seq & this.mask;
    if (this.idOf(seq) === undefined) return;
    // Lets go of everything the slot referenced: an evicted flow's request and final must be free to go.
    this.releaseFinal(at);
    for (const column of this.refs) column[at] = undefined;
    if (at === this.decodedAt) this.decodedAt = -1;
    this.dead++;
    // The oldest slots, once dead, are dropped at once: eviction never walks over them again.
    while (this.head < this.tail && this.idOf(this.head) === undefined) {
      this.head++;
      this.dead--;
    }
  }

  /** The sequence number of the flow that settled longest ago, if any. */
  oldest(): number | undefined {
    return this.head < this.tail ? this.head : undefined;
  }

  private store(at: number, flow: MutableFlow): void {
    const refs = this.refs;
    const ended = flow.ended;
    const plain =
      flow.conflict === undefined &&
      flow.conflicts === undefined &&
      flow.reconciled === undefined &&
      (ended === undefined || ended.error === undefined);
    // Before the columns are cleared: a final just read from this slot keeps its bytes where they are.
    const kept = this.keepFinalBytes(at, plain ? flow.final : undefined);
    for (const column of refs) column[at] = undefined;
    refs[COLUMN.id][at] = flow.flowId;
    if (!plain) {
      refs[COLUMN.object][at] = flow;
      return;
    }
    const onlyFinal = keepsOnlyTheFinal(flow);
    refs[COLUMN.endpoint][at] = flow.endpoint;
    refs[COLUMN.request][at] = flow.request;
    refs[COLUMN.events][at] = onlyFinal || flow.events.length === 0 ? undefined : flow.events;
    refs[COLUMN.key][at] = flow.idempotencyKey;
    refs[COLUMN.final][at] = kept ?? flow.final;
    refs[COLUMN.finalStatus][at] = flow.finalStatus;
    let flags = flow.started ? STARTED : 0;
    if (kept !== undefined) flags |= FINAL_PAGED;
    if (flow.finalAcked) flags |= FINAL_ACKED;
    if (onlyFinal) flags |= ONLY_FINAL;
    if (flow.sentAt !== undefined) {
      flags |= SENT_AT;
      this.times[2 * at] = flow.sentAt;
    }
    if (ended !== undefined) {
      flags |= ENDED | (OUTCOMES.indexOf(ended.outcome) << OUTCOME_SHIFT);
      this.times[2 * at + 1] = ended.at;
    }
    this.flags[at] = flags;
  }

  /**
   * Full: drop the dead slots when they are at least half of them (renumbering the live ones), else double.
   * Dead slots come from flows that opened again or left; each compaction is paid for by as many kills.
   */
  private makeRoom(): void {
    if (this.dead * 2 >= this.capacity) {
      const live: MutableFlow[] = [];
      for (let seq = this.head; seq < this.tail; seq++) {
        if (this.idOf(seq) === undefined) continue;
        live.push(this.read(seq));
        this.releaseFinal(seq & this.mask);
      }
      this.allocate(this.capacity);
      this.head = this.tail = this.dead = 0;
      for (const flow of live) {
        const seq = this.tail++;
        this.store(seq, flow);
        this.moved(flow.flowId, seq);
      }
      return;
    }
    const { refs, flags, times, spans, mask } = this;
    this.allocate(this.capacity * 2);
    for (let seq = this.head; seq < this.tail; seq++) {
      const from = seq & mask;
      const to = seq & this.mask;
      for (let column = 0; column < COLUMNS; column++) {
        (this.refs[column] as unknown[])[to] = (refs[column] as unknown[])[from];
      }
      this.flags[to] = flags[from] as number;
      this.times[2 * to] = times[2 * from] as number;
      this.times[2 * to + 1] = times[2 * from + 1] as number;
      for (let i = 0; i < 3; i++) this.spans[3 * to + i] = spans[3 * from + i] as number;
    }
    if (this.decodedAt >= 0) this.decodedAt = -1;
  }

  /** A paged final, decoded (remembered until the next read, see `decoded`). */
  private decode(at: number): string {
    const spans = this.spans;
    const text = (this.refs[COLUMN.final][at] as TextPage).read(
      spans[3 * at] as number,
      spans[3 * at + 1] as number,
      spans[3 * at + 2] as number,
    );
    this.decodedAt = at;
    this.decoded = text;
    return text;
  }

  /**
   * Puts a final frame's bytes in a page (where: `spans[at]`) and returns the page; undefined when the final
   * stays as it is (a parsed resource, none, or a text UTF-8 cannot carry). A final just decoded from this
   * slot keeps its bytes.
   */
  private keepFinalBytes(at: number, final: KeptEvent | undefined): TextPage | undefined {
    if (at === this.decodedAt) {
      this.decodedAt = -1;
      if (final === this.decoded) return this.refs[COLUMN.final][at] as TextPage;
    }
    this.releaseFinal(at);
    const texts = this.texts;
    if (typeof final !== 'string' || !texts.put(final)) return undefined;
    this.spans[3 * at] = texts.generation;
    this.spans[3 * at + 1] = texts.at;
    this.spans[3 * at + 2] = texts.length;
    return texts.page;
  }

  /** Lets go of a slot's paged final (its page is reused once no slot keeps a text on it). */
  private releaseFinal(at: number): void {
    if (((this.flags[at] as number) & FINAL_PAGED) === 0) return;
    this.flags[at] = (this.flags[at] as number) & ~FINAL_PAGED;
    this.texts.release(this.refs[COLUMN.final][at] as TextPage, this.spans[3 * at] as number);
  }

  private allocate(capacity: number): void {
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.refs = Array.from({ length: COLUMNS }, () =>
      new Array<unknown>(capacity).fill(undefined),
    ) as Columns;
    this.flags = new Uint8Array(capacity);
    this.times = new Float64Array(2 * capacity);
    this.spans = new Int32Array(3 * capacity);
    this.decodedAt = -1;
  }
}
