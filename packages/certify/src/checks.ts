import { ENDPOINTS, isTransaction, normalizePath } from '@bluechip-ws/protocol';
import { outcomeMatches, type Reported } from './outcome.js';
import { type CertifyScenario, CHECK_TITLES, type CheckId } from './scenarios.js';
import type { WireEntry } from './wire.js';

/** One wire rule's verdict on one scenario. `problems` say what was seen; `notes` what was not exercised. */
export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly passed: boolean;
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

/** Flow ids already used in this run, with the scenario that used them first. */
export type FlowIdRegistry = Map<string, string>;

export interface CheckContext {
  readonly scenario: CertifyScenario;
  readonly entries: readonly WireEntry[];
  /** Start of the scenario (the timeline's origin). */
  readonly origin: number;
  /** What the POS reported; undefined when nobody said (interactive mode without an answer). */
  readonly reported: Reported | undefined;
  readonly ackBoundMs: number;
  readonly flowIds: FlowIdRegistry;
}

/**
 * The last repeat the terminal sent after the POS had acked an earlier copy, less than this long before the
 * POS closed its link, is not required to be acked: the POS was already closing. (A repeat followed by
 * another one reached a POS that stayed connected, and is never excused.)
 */
export const CLOSING_GRACE_MS = 250;

type Frame = Extract<WireEntry, { kind: 'frame' }>;
type Log = Extract<WireEntry, { kind: 'log' }>;

const rel = (ctx: CheckContext, at: number) => `+${Math.max(0, Math.round(at - ctx.origin))} ms`;
const short = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

function framesIn(ctx: CheckContext): Frame[] {
  return ctx.entries.filter((e): e is Frame => e.kind === 'frame' && e.direction === 'in');
}
function logs(ctx: CheckContext, ...kinds: string[]): Log[] {
  return ctx.entries.filter((e): e is Log => e.kind === 'log' && kinds.includes(e.log.kind));
}
function requests(ctx: CheckContext): Frame[] {
  return framesIn(ctx).filter((f) => f.frame.envelope === 'request');
}
function typeOf(f: Frame): string | undefined {
  const type = f.frame.resource?.type;
  return typeof type === 'string' ? type : undefined;
}

function envelopes(ctx: CheckContext): string[] {
  const problems: string[] = [];
  const single = ctx.scenario.endpointMode === 'single';
  const endpointOfFlow = new Map<string, string>();
  for (const f of framesIn(ctx)) {
    const where = `${rel(ctx, f.at)} ${short(f.text)}`;
    for (const p of f.frame.problems) problems.push(`${p}: ${where}`);
    const { envelope } = f.frame;
    if (envelope === undefined) continue;
    if (envelope !== 'request' && envelope !== 'event_ack') {
      problems.push(`a POS sends only "request" and "event_ack", not "${envelope}": ${where}`);
      continue;
    }
    if (envelope === 'request' && typeOf(f) === undefined)
      problems.push(`request without resource.type: ${where}`);
    if (f.path === '/' || single) {
      const endpoint = f.frame.endpoint;
      if (endpoint === undefined) {
        problems.push(`single-endpoint mode: "${envelope}" without "endpoint": ${where}`);
        continue;
      }
      if (envelope === 'request' && f.frame.flowId !== undefined) {
        endpointOfFlow.set(f.frame.flowId, normalizePath(endpoint));
        const type = typeOf(f);
        if (type !== undefined && isTransaction(type) && normalizePath(endpoint) !== ENDPOINTS.payment) {
          problems.push(`a ${type} goes to "endpoint":"${ENDPOINTS.payment}", not "${endpoint}": ${where}`);
        }
      }
      if (envelope === 'event_ack' && f.frame.flowId !== undefined) {
        const expected = endpointOfFlow.get(f.frame.flowId);
        if (expected !== undefined && normalizePath(endpoint) !== expected) {
          problems.push(`event_ack echoes "endpoint":"${endpoint}", the flow's is "${expected}": ${where}`);
        }
      }
    } else if (envelope === 'request') {
      const type = typeOf(f);
      if (type !== undefined && isTransaction(type) && f.path !== ENDPOINTS.payment) {
        problems.push(`a ${type} is sent on ${ENDPOINTS.payment}, not ${f.path}: ${where}`);
      }
    }
  }
  for (const l of logs(ctx, 'connection_refused')) {
    problems.push(`${rel(ctx, l.at)} connection refused: ${l.log.message}`);
  }
  return problems;
}

function amounts(ctx: CheckContext): string[] {
  const problems: string[] = [];
  const sales = requests(ctx).filter((f) => typeOf(f) === 'sale');
  if (sales.length === 0) problems.push('the POS sent no sale request');
  for (const f of sales) {
    const amount = f.frame.resource?.amount;
    const where = `${rel(ctx, f.at)} ${short(f.text)}`;
    const cents =
      typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0
        ? amount
        : typeof amount === 'string' && /^\d{1,15}$/.test(amount)
          ? Number(amount)
          : undefined;
    if (cents === undefined) {
      problems.push(`amount ${JSON.stringify(amount)} is not integer cents: ${where}`);
    } else if (cents !== ctx.scenario.amount) {
      problems.push(`amount ${cents} cents, but the sale asked was ${ctx.scenario.amount} cents: ${where}`);
    }
  }
  return problems;
}

/** When each connection closed (by either side), and which ones the simulator cut on purpose. */
function closes(ctx: CheckContext): { closedAt: Map<number, number>; droppedBySim: Set<number> } {
  const closedAt = new Map<number, number>();
  const droppedBySim = new Set<number>();
  for (const l of logs(ctx, 'connection_closed', 'link_dropped_by_simulator')) {
    const conn = l.log.connection;
    if (conn === undefined) continue;
    if (l.log.kind === 'link_dropped_by_simulator') droppedBySim.add(conn);
    else if (!closedAt.has(conn)) closedAt.set(conn, l.at);
  }
  return { closedAt, droppedBySim };
}

function acks(ctx: CheckContext, notes: string[]): string[] {
  const problems: string[] = [];
  const { closedAt, droppedBySim } = closes(ctx);
  interface Copy {
    readonly at: number;
    readonly connection: number;
    readonly afterAck: boolean;
    readonly status: string;
  }
  const pending = new Map<string, Copy[]>();
  const acked = new Map<string, number>();
  const finalSent = new Set<string>();
  for (const e of ctx.entries) {
    if (e.kind !== 'frame' || e.frame.flowId === undefined) continue;
    const flow = e.frame.flowId;
    if (e.direction === 'out' && e.frame.envelope === 'event') {
      const status = String(e.frame.resource?.status ?? '');
      if (status !== 'proceed') finalSent.add(flow);
      const list = pending.get(flow) ?? [];
      list.push({ at: e.at, connection: e.connection, afterAck: (acked.get(flow) ?? 0) > 0, status });
      pending.set(flow, list);
    } else if (e.direction === 'in' && e.frame.envelope === 'event_ack') {
      const copy = pending.get(flow)?.shift();
      if (copy === undefined) {
        problems.push(
          `${rel(ctx, e.at)} event_ack for flow ${flow} with no event awaiting an ack ` +
            `(acked before the event arrived, or one ack too many): ${short(e.text)}`,
        );
        continue;
      }
      acked.set(flow, (acked.get(flow) ?? 0) + 1);
      const latency = e.at - copy.at;
      if (latency > ctx.ackBoundMs) {
        problems.push(
          `${rel(ctx, e.at)} event_ack for flow ${flow} came ${Math.round(latency)} ms after the event ` +
            `(bound ${ctx.ackBoundMs} ms)`,
        );
      }
    }
  }
  for (const [flow, copies] of pending) {
    for (const [i, copy] of copies.entries()) {
      const closed = closedAt.get(copy.connection);
      const last = i === copies.length - 1;
      if (copy.afterAck && last && closed !== undefined && closed - copy.at < CLOSING_GRACE_MS) {
        notes.push(
          `the repeat of flow ${flow}'s event sent at ${rel(ctx, copy.at)} reached a POS that was closing its ` +
            'link; not required to be acked',
        );
        continue;
      }
      problems.push(
        `the "${copy.status}" event of flow ${flow} sent at ${rel(ctx, copy.at)} was never acked` +
          (copy.afterAck ? ' (a repeat: the POS acked an earlier copy only)' : ''),
      );
    }
  }
  for (const l of logs(ctx, 'ack_ignored')) {
    const flow = l.log.flow_id;
    const resent = ctx.entries.some(
      (e) =>
        e.kind === 'frame' &&
        e.direction === 'out' &&
        e.at >= l.at &&
        e.frame.envelope === 'event' &&
        e.frame.flowId === flow,
    );
    if (!resent) {
      notes.push(
        `the POS closed its link before the terminal resent flow ${flow}'s event: the repeat was not exercised`,
      );
    }
  }
  for (const l of logs(ctx, 'link_dropped_mid_flow')) {
    const { connection, flow_id: flow } = l.log;
    if (connection === undefined || flow === undefined || droppedBySim.has(connection)) continue;
    if (!finalSent.has(flow)) {
      problems.push(
        `${rel(ctx, l.at)} the POS closed its link while flow ${flow} was still running on the terminal ` +
          '(before its final event)',
      );
    }
  }
  return problems;
}

function flowIds(ctx: CheckContext): string[] {
  const problems: string[] = [];
  for (const f of requests(ctx)) {
    const id = f.frame.flowId;
    if (id === undefined) continue;
    const first = ctx.flowIds.get(id);
    if (first !== undefined) {
      const where = first === ctx.scenario.id ? 'earlier in this scenario' : `in scenario "${first}"`;
      problems.push(`${rel(ctx, f.at)} flow_id "${id}" was already used ${where}: ${short(f.text)}`);
    } else {
      ctx.flowIds.set(id, ctx.scenario.id);
    }
  }
  return problems;
}

function oneAtATime(ctx: CheckContext): string[] {
  return logs(ctx, 'busy').map((l) => `${rel(ctx, l.at)} ${l.log.message}`);
}

function dropTimes(ctx: CheckContext): number[] {
  return logs(ctx, 'link_dropped_by_simulator').map((l) => l.at);
}

function recallAfterDrop(ctx: CheckContext, notes: string[]): string[] {
  const drops = dropTimes(ctx);
  if (drops.length === 0) {
    notes.push('the link was not dropped in this scenario');
    return [];
  }
  const dropAt = drops[0]!;
  for (const f of requests(ctx)) {
    if (f.at <= dropAt) continue;
    const type = typeOf(f);
    if (type === 'recall_last_transaction') return [];
    if (type !== undefined && isTransaction(type)) {
      return [
        `${rel(ctx, f.at)} a new ${type} was sent after the drop without asking the terminal first ` +
          `(recall_last_transaction): the first one may have been charged: ${short(f.text)}`,
      ];
    }
  }
  return ['no recall_last_transaction after the link dropped: the outcome of the sale was never asked for'];
}

function reconnect(ctx: CheckContext, notes: string[]): string[] {
  const drops = dropTimes(ctx);
  if (drops.length === 0) {
    notes.push('the link was not dropped in this scenario');
    return [];
  }
  const opened = logs(ctx, 'connection_opened').some((l) => l.at > drops[0]!);
  return opened ? [] : ['the POS never connected again after the link dropped'];
}

function outcome(ctx: CheckContext, notes: string[]): string[] {
  const { reported, scenario } = ctx;
  if (reported === undefined) {
    notes.push('no outcome reported to the kit: not checked');
    return [];
  }
  const problems: string[] = [];
  if (!outcomeMatches(reported.outcome, scenario.expected.outcome)) {
    problems.push(`reported ${reported.outcome} (${reported.source}), expected ${scenario.expected.outcome}`);
  }
  const expectedAmount = scenario.expected.amount;
  if (expectedAmount !== undefined && reported.amount !== undefined && reported.amount !== expectedAmount) {
    problems.push(`reported an amount of ${reported.amount} cents, the terminal approved ${expectedAmount}`);
  }
  if (expectedAmount !== undefined && reported.amount === undefined && problems.length === 0) {
    notes.push('the POS reported no amount: only the outcome was checked');
  }
  return problems;
}

const CHECKS: Readonly<Record<CheckId, (ctx: CheckContext, notes: string[]) => string[]>> = {
  envelopes,
  amounts,
  acks,
  'flow-ids': flowIds,
  'one-at-a-time': oneAtATime,
  'recall-after-drop': recallAfterDrop,
  reconnect,
  outcome,
};

/** Runs the scenario's checks over its timeline. Registers the scenario's flow ids in `ctx.flowIds`. */
export function runChecks(ctx: CheckContext): CheckResult[] {
  return ctx.scenario.checks.map((id) => {
    const notes: string[] = [];
    const problems = CHECKS[id](ctx, notes);
    return { id, title: CHECK_TITLES[id], passed: problems.length === 0, problems, notes };
  });
}
