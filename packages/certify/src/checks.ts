import { ENDPOINTS, isTransaction, normalizePath } from '@bluechip-ws/protocol';
import { checkAcks } from './acks.js';
import { outcomeMatches, type Reported } from './outcome.js';
import { type CertifyScenario, CHECK_TITLES, type CheckId } from './scenarios.js';
import type { WireEntry } from './wire.js';

/**
 * One wire rule's verdict on one scenario. `problems` say what was seen; `warnings` what passed but is a
 * risk (a late ack within the bound, a repeat the POS left before, a drop); `notes` what was not exercised.
 */
export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly passed: boolean;
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
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
  /** Filled with the frames a problem points at: the report shows them whole. */
  readonly cited?: Set<WireEntry>;
}

type Frame = Extract<WireEntry, { kind: 'frame' }>;
type Log = Extract<WireEntry, { kind: 'log' }>;

const rel = (ctx: CheckContext, at: number) => `+${Math.max(0, Math.round(at - ctx.origin))} ms`;
const short = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
/** The frame, shortened, for a problem; marked so the wire log shows it whole. */
const cite = (ctx: CheckContext, f: Frame) => {
  ctx.cited?.add(f);
  return short(f.text);
};

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

/** Why an ack's resource is not `{"status":"ok"}` (the one shape every TSI client sends), or undefined. */
function wrongAckResource(resource: Readonly<Record<string, unknown>>): string | undefined {
  const keys = Object.keys(resource);
  if (keys.length === 1 && resource.status === 'ok') return undefined;
  const echoed =
    Object.hasOwn(resource, 'results') || ['completed', 'proceed', 'error'].includes(String(resource.status));
  return (
    `an event_ack's resource is {"status":"ok"}, not ${short(JSON.stringify(resource))}` +
    (echoed ? ' (the event echoed back)' : '')
  );
}

function envelopes(ctx: CheckContext): string[] {
  const problems: string[] = [];
  const single = ctx.scenario.endpointMode === 'single';
  const endpointOfFlow = new Map<string, string>();
  for (const f of framesIn(ctx)) {
    const where = () => `${rel(ctx, f.at)} ${cite(ctx, f)}`;
    for (const p of f.frame.problems) problems.push(`${p}: ${where()}`);
    const { envelope } = f.frame;
    if (envelope === undefined) continue;
    if (envelope !== 'request' && envelope !== 'event_ack') {
      problems.push(`a POS sends only "request" and "event_ack", not "${envelope}": ${where()}`);
      continue;
    }
    if (envelope === 'request' && typeOf(f) === undefined)
      problems.push(`request without resource.type: ${where()}`);
    if (envelope === 'event_ack' && f.frame.resource !== undefined) {
      const wrong = wrongAckResource(f.frame.resource);
      if (wrong !== undefined) problems.push(`${wrong}: ${where()}`);
    }
    if (f.path === '/' || single) {
      const endpoint = f.frame.endpoint;
      if (endpoint === undefined) {
        problems.push(`single-endpoint mode: "${envelope}" without "endpoint": ${where()}`);
        continue;
      }
      if (envelope === 'request' && f.frame.flowId !== undefined) {
        endpointOfFlow.set(f.frame.flowId, normalizePath(endpoint));
        const type = typeOf(f);
        if (type !== undefined && isTransaction(type) && normalizePath(endpoint) !== ENDPOINTS.payment) {
          problems.push(`a ${type} goes to "endpoint":"${ENDPOINTS.payment}", not "${endpoint}": ${where()}`);
        }
      }
      if (envelope === 'event_ack' && f.frame.flowId !== undefined) {
        const expected = endpointOfFlow.get(f.frame.flowId);
        if (expected !== undefined && normalizePath(endpoint) !== expected) {
          problems.push(`event_ack echoes "endpoint":"${endpoint}", the flow's is "${expected}": ${where()}`);
        }
      }
    } else if (envelope === 'request') {
      const type = typeOf(f);
      if (type !== undefined && isTransaction(type) && f.path !== ENDPOINTS.payment) {
        problems.push(`a ${type} is sent on ${ENDPOINTS.payment}, not ${f.path}: ${where()}`);
      }
    }
  }
  for (const l of logs(ctx, 'connection_refused')) {
    problems.push(`${rel(ctx, l.at)} connection refused: ${l.log.message}`);
  }
  return problems;
}

/** A request's amount as integer cents (a JSON integer or a digit string), else undefined. */
function requestCents(f: Frame): number | undefined {
  const amount = f.frame.resource?.amount;
  if (typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0) return amount;
  return typeof amount === 'string' && /^\d{1,15}$/.test(amount) ? Number(amount) : undefined;
}

function amounts(ctx: CheckContext): string[] {
  const problems: string[] = [];
  const sales = requests(ctx).filter((f) => typeOf(f) === 'sale');
  if (sales.length === 0) problems.push('the POS sent no sale request');
  for (const f of sales) {
    const amount = f.frame.resource?.amount;
    const where = () => `${rel(ctx, f.at)} ${cite(ctx, f)}`;
    const cents = requestCents(f);
    if (cents === undefined) {
      problems.push(`amount ${JSON.stringify(amount)} is not integer cents: ${where()}`);
    } else if (cents !== ctx.scenario.amount) {
      // 4.35 * 100 is 434.99999999999994 in binary floating point: truncating it loses a cent.
      const truncated =
        cents === ctx.scenario.amount - 1
          ? ' (one cent short: the amount truncated from a float, x * 100?)'
          : '';
      problems.push(
        `amount ${cents} cents, but the sale asked was ${ctx.scenario.amount} cents${truncated}: ${where()}`,
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
      problems.push(`${rel(ctx, f.at)} flow_id "${id}" was already used ${where}: ${cite(ctx, f)}`);
    } else {
      ctx.flowIds.set(id, ctx.scenario.id);
    }
  }
  return problems;
}

/** Flow ids the terminal answered "busy" (a response with status error whose text says busy). */
function busyAnswered(ctx: CheckContext): Map<string, number> {
  const busy = new Map<string, number>();
  for (const e of ctx.entries) {
    if (e.kind !== 'frame' || e.direction !== 'out' || e.frame.envelope !== 'response') continue;
    const info = e.frame.resource?.error_info;
    const text = typeof info === 'object' && info !== null ? (info as { text?: unknown }).text : undefined;
    if (e.frame.resource?.status === 'error' && typeof text === 'string' && /busy/i.test(text)) {
      if (e.frame.flowId !== undefined && !busy.has(e.frame.flowId)) busy.set(e.frame.flowId, e.at);
    }
  }
  return busy;
}

function oneAtATime(ctx: CheckContext): string[] {
  const problems = logs(ctx, 'busy').map(
    (l) => `${rel(ctx, l.at)} a second request reached the terminal while it was busy: ${l.log.message}`,
  );
  // After "busy" the sale did not happen; selling again unasked charges a customer the POS told it failed.
  const busy = busyAnswered(ctx);
  if (busy.size === 0) return problems;
  const firstBusy = Math.min(...busy.values());
  for (const f of requests(ctx)) {
    const type = typeOf(f);
    if (f.at <= firstBusy || type === undefined || !isTransaction(type)) continue;
    problems.push(
      `${rel(ctx, f.at)} a second ${type} reached the terminal after it answered busy: the POS sold again on ` +
        `its own (flow ${f.frame.flowId ?? '?'}): ${cite(ctx, f)}`,
    );
  }
  return problems;
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
          `(recall_last_transaction): the first one may have been charged: ${cite(ctx, f)}`,
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

/** Flows of a sale of the amount asked, after the first drop, that the terminal approved: a sale made anew. */
function approvedResale(ctx: CheckContext): boolean {
  const dropAt = dropTimes(ctx)[0] ?? Number.POSITIVE_INFINITY;
  const resold = new Set(
    requests(ctx)
      .filter((f) => f.at > dropAt && typeOf(f) === 'sale' && requestCents(f) === ctx.scenario.amount)
      .map((f) => f.frame.flowId),
  );
  return ctx.entries.some((e) => {
    if (e.kind !== 'frame' || e.direction !== 'out' || e.frame.envelope !== 'event') return false;
    const results = e.frame.resource?.results;
    const first: unknown = Array.isArray(results) ? results[0] : undefined;
    const status =
      typeof first === 'object' && first !== null ? (first as { status?: unknown }).status : undefined;
    return resold.has(e.frame.flowId) && status === 'approved';
  });
}

/**
 * The sale was lost (never ran, or cancelled) and the terminal's last transaction is an earlier customer's:
 * the only right reports are unknown, or the outcome of a sale made anew.
 */
function outcomeOfLostSale(
  ctx: CheckContext,
  reported: Reported,
  earlier: number,
  notes: string[],
): string[] {
  if (reported.outcome === 'unknown') return [];
  const ownAmount = reported.amount === undefined || reported.amount === ctx.scenario.amount;
  if (reported.outcome === 'approved' && ownAmount && approvedResale(ctx)) {
    notes.push('the POS sold anew after the recall showed this sale was not made; that new sale is checked');
    return [];
  }
  const amount = reported.amount === undefined ? '' : ` ${reported.amount} cents`;
  const theirs = reported.amount === earlier ? " (the earlier customer's amount)" : '';
  return [
    `reported ${reported.outcome}${amount} (${reported.source})${theirs}, but this order's sale never ` +
      `completed: the terminal's last transaction is an earlier customer's sale of ${earlier} cents. After a ` +
      'recall that does not show this sale, report unknown / not found, never the recalled transaction',
  ];
}

/** For a scenario holding the customer: when the POS hung up on its sale, if it did before the final event. */
function gaveUp(ctx: CheckContext): string {
  if (ctx.scenario.holdsCustomer !== true) return '';
  const sale = requests(ctx).find((f) => typeOf(f) === 'sale');
  const left = logs(ctx, 'link_dropped_mid_flow').find((l) => sale !== undefined && l.at >= sale.at);
  if (sale === undefined || left === undefined) return '';
  const after = ((left.at - sale.at) / 1000).toFixed(1);
  return (
    `: the POS gave up ${after} s into the customer's wait, while the customer was still at the terminal ` +
    "(the terminal itself waits up to a minute): a POS's own timeout must be longer than the terminal's"
  );
}

function outcome(ctx: CheckContext, notes: string[]): string[] {
  const { reported, scenario } = ctx;
  if (reported === undefined) {
    notes.push('no outcome reported to the kit: not checked');
    return [];
  }
  if (scenario.earlierSale !== undefined)
    return outcomeOfLostSale(ctx, reported, scenario.earlierSale, notes);
  const problems: string[] = [];
  const expectedAmount = scenario.expected.amount;
  if (!outcomeMatches(reported.outcome, scenario.expected.outcome)) {
    problems.push(
      `reported ${reported.outcome} (${reported.source}), expected ${scenario.expected.outcome}${gaveUp(ctx)}`,
    );
  } else if (
    scenario.expected.outcome === 'partially_approved' &&
    reported.outcome === 'approved' &&
    reported.amount === undefined
  ) {
    // The mistake that hands over goods for money never received: "approved" read as the amount asked.
    problems.push(
      `reported approved (${reported.source}) without an amount for a partial approval: the terminal approved ` +
        `${expectedAmount} of the ${scenario.amount} cents asked; report partially_approved, or the approved amount`,
    );
  }
  if (expectedAmount !== undefined && reported.amount !== undefined && reported.amount !== expectedAmount) {
    problems.push(`reported an amount of ${reported.amount} cents, the terminal approved ${expectedAmount}`);
  }
  if (expectedAmount !== undefined && reported.amount === undefined && problems.length === 0) {
    notes.push('the POS reported no amount: only the outcome was checked');
  }
  return problems;
}

type Check = (ctx: CheckContext, notes: string[], warnings: string[]) => string[];

const CHECKS: Readonly<Record<CheckId, Check>> = {
  envelopes,
  amounts,
  acks: checkAcks,
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
    const warnings: string[] = [];
    const problems = CHECKS[id](ctx, notes, warnings);
    return { id, title: CHECK_TITLES[id], passed: problems.length === 0, problems, warnings, notes };
  });
}
