import type { WireEntry } from './wire.js';

/**
 * The last repeat the terminal sent after the POS had acked an earlier copy of the same event, less than this
 * long before the POS closed its link, is not required to be acked: the POS was already closing. (A repeat
 * followed by another one reached a POS that stayed connected, and is never excused.)
 */
export const CLOSING_GRACE_MS = 250;

/** What the acks rule needs to know about a scenario's timeline. */
export interface AckContext {
  readonly entries: readonly WireEntry[];
  readonly origin: number;
  readonly ackBoundMs: number;
  /** Frames a problem points at: the report shows them whole. */
  readonly cited?: Set<WireEntry>;
}

type Frame = Extract<WireEntry, { kind: 'frame' }>;

/** One copy of an event as the terminal sent it. The same event sent again is a new copy of it. */
interface Copy {
  readonly entry: Frame;
  readonly flow: string;
  readonly at: number;
  readonly connection: number;
  /** The frame's text: the terminal's repeats of one event are the same text. */
  readonly text: string;
  readonly status: string;
  /** 1 for the first send of this event, 2 for the next copy, … */
  readonly number: number;
  /** An earlier copy of the same event had been acked when this one was sent. */
  readonly afterAck: boolean;
  ackedAt: number | undefined;
}

const rel = (ctx: AckContext, at: number) => `+${Math.max(0, Math.round(at - ctx.origin))} ms`;
const short = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

function describe(ctx: AckContext, c: Copy): string {
  ctx.cited?.add(c.entry);
  const copy = c.number === 1 ? '' : ` (copy ${c.number}: a repeat)`;
  return `the "${c.status}" event of flow ${c.flow}${copy} sent at ${rel(ctx, c.at)} on connection #${c.connection}`;
}

/** Flows the terminal started: it answered "started" or sent an event for them. */
function startedFlows(entries: readonly WireEntry[]): Set<string> {
  const started = new Set<string>();
  for (const e of entries) {
    if (e.kind !== 'frame' || e.direction !== 'out' || e.frame.flowId === undefined) continue;
    const status = e.frame.resource?.status;
    if (e.frame.envelope === 'event' || (e.frame.envelope === 'response' && status === 'started')) {
      started.add(e.frame.flowId);
    }
  }
  return started;
}

/**
 * Matches each `event_ack` to the copy it answers: an unacked copy of its flow's events sent before it on
 * the same connection (the terminal takes an ack only on the connection its event went on). Of those, the
 * earliest it answers within the bound; if it is late for all, the earliest. So a POS that let the first copy
 * go and acked the resend is told the first copy went unanswered, and one that acks the first copy only is
 * told the repeat did.
 */
function matchAcks(ctx: AckContext, problems: string[], warnings: string[]): Copy[] {
  const copies: Copy[] = [];
  const started = startedFlows(ctx.entries);
  for (const e of ctx.entries) {
    if (e.kind !== 'frame' || e.frame.flowId === undefined) continue;
    const flow = e.frame.flowId;
    if (e.direction === 'out' && e.frame.envelope === 'event') {
      const same = copies.filter((c) => c.flow === flow && c.text === e.text);
      copies.push({
        entry: e,
        flow,
        at: e.at,
        connection: e.connection,
        text: e.text,
        status: String(e.frame.resource?.status ?? ''),
        number: same.length + 1,
        afterAck: same.some((c) => c.ackedAt !== undefined),
        ackedAt: undefined,
      });
    } else if (e.direction === 'in' && e.frame.envelope === 'event_ack') {
      const open = copies.filter(
        (c) => c.flow === flow && c.connection === e.connection && c.ackedAt === undefined,
      );
      const copy = open.find((c) => e.at - c.at <= ctx.ackBoundMs) ?? open[0];
      if (copy === undefined) {
        problems.push(strayAck(ctx, e, copies, started));
        continue;
      }
      copy.ackedAt = e.at;
      const latency = e.at - copy.at;
      if (latency > ctx.ackBoundMs / 2 && latency <= ctx.ackBoundMs) {
        warnings.push(
          `${rel(ctx, e.at)} the event_ack for ${describe(ctx, copy)} came ${Math.round(latency)} ms after it: ` +
            `within the bound (${ctx.ackBoundMs} ms), but more than half of it`,
        );
      }
      if (latency > ctx.ackBoundMs) {
        problems.push(
          `${rel(ctx, e.at)} the event_ack for ${describe(ctx, copy)} came ${Math.round(latency)} ms after it ` +
            `(bound ${ctx.ackBoundMs} ms)`,
        );
      }
    }
  }
  return copies;
}

/** Why an ack matched no copy, naming the mistake. */
function strayAck(
  ctx: AckContext,
  ack: Frame,
  copies: readonly Copy[],
  started: ReadonlySet<string>,
): string {
  const flow = ack.frame.flowId!;
  ctx.cited?.add(ack);
  const at = `${rel(ctx, ack.at)} event_ack for flow ${flow} on connection #${ack.connection}`;
  const sent = copies.filter((c) => c.flow === flow);
  if (!started.has(flow)) {
    return `${at}: an ack for a flow the terminal never started (no "started" response, no event): ${short(ack.text)}`;
  }
  if (sent.length === 0) return `${at} came before the flow's first event (acked before the event arrived)`;
  const elsewhere = sent.find((c) => c.connection !== ack.connection && c.ackedAt === undefined);
  if (elsewhere !== undefined) {
    return (
      `${at} answers ${describe(ctx, elsewhere)}: an ack goes on the connection its event came on ` +
      '(the terminal takes an ack on another connection for a stray one)'
    );
  }
  if (sent.every((c) => c.connection !== ack.connection)) {
    return `${at}: the flow's events went on connection #${sent[0]!.connection}; an ack on another connection answers none of them`;
  }
  return `${at}: one ack too many (every copy of the flow's events sent before it on this connection was already acked)`;
}

/** When each connection closed (by either side), and which ones the simulator cut on purpose. */
function closes(entries: readonly WireEntry[]): { closedAt: Map<number, number>; droppedBySim: Set<number> } {
  const closedAt = new Map<number, number>();
  const droppedBySim = new Set<number>();
  for (const e of entries) {
    if (e.kind !== 'log' || e.log.connection === undefined) continue;
    const conn = e.log.connection;
    if (e.log.kind === 'link_dropped_by_simulator') droppedBySim.add(conn);
    else if (e.log.kind === 'connection_closed' && !closedAt.has(conn)) closedAt.set(conn, e.at);
  }
  return { closedAt, droppedBySim };
}

function unanswered(ctx: AckContext, copies: readonly Copy[], problems: string[], warnings: string[]): void {
  const { closedAt } = closes(ctx.entries);
  for (const copy of copies) {
    if (copy.ackedAt !== undefined) continue;
    const ofFlow = copies.filter((c) => c.flow === copy.flow);
    const last = ofFlow[ofFlow.length - 1] === copy;
    const closed = closedAt.get(copy.connection);
    if (copy.afterAck && last && closed !== undefined && closed - copy.at < CLOSING_GRACE_MS) {
      warnings.push(
        `the repeat of flow ${copy.flow}'s event sent at ${rel(ctx, copy.at)} reached a POS that was closing its ` +
          'link: not required to be acked, but the POS left while the terminal was still sending',
      );
      continue;
    }
    const laterAcked = ofFlow.find((c) => c.text === copy.text && c.at > copy.at && c.ackedAt !== undefined);
    const why =
      laterAcked !== undefined
        ? ` (the POS acked only copy ${laterAcked.number}, sent at ${rel(ctx, laterAcked.at)})`
        : copy.afterAck
          ? ' (the POS acked an earlier copy only)'
          : '';
    problems.push(`${describe(ctx, copy)} was never acked on its connection${why}`);
  }
}

/**
 * The acks rule: every copy of every event acked on its connection, within the bound, never before the event;
 * no ack for a flow the terminal never started; the link kept open while the terminal runs the flow.
 */
export function checkAcks(ctx: AckContext, _notes: string[], warnings: string[]): string[] {
  const problems: string[] = [];
  const copies = matchAcks(ctx, problems, warnings);
  unanswered(ctx, copies, problems, warnings);
  const logs = ctx.entries.filter((e): e is Extract<WireEntry, { kind: 'log' }> => e.kind === 'log');
  for (const l of logs.filter((x) => x.log.kind === 'ack_ignored')) {
    const resent = copies.some((c) => c.flow === l.log.flow_id && c.at >= l.at);
    if (!resent) {
      warnings.push(
        `the POS closed its link before the terminal resent flow ${l.log.flow_id}'s event: the repeat was not exercised`,
      );
    }
  }
  const { droppedBySim } = closes(ctx.entries);
  for (const l of logs.filter((x) => x.log.kind === 'link_dropped_mid_flow')) {
    const { connection, flow_id: flow } = l.log;
    if (connection === undefined || flow === undefined || droppedBySim.has(connection)) continue;
    const finalSent = copies.some((c) => c.flow === flow && c.status !== 'proceed' && c.at <= l.at);
    if (!finalSent) {
      problems.push(
        `${rel(ctx, l.at)} the POS closed its link while flow ${flow} was still running on the terminal ` +
          '(before its final event)',
      );
    }
  }
  return problems;
}
