/**
 * One chaos schedule: a POS selling a few orders (each with an idempotency key) to the simulator over the
 * in-memory network, all in virtual time, under a seeded random mix of faults (drops, delays, duplicates,
 * reorders, disconnects mid-flow, lost acks) and POS "crashes" (the terminal handle and its session are
 * discarded and a new one starts on the same journal). At the end the property is checked:
 *
 *   every sale the simulator approved has exactly one approved outcome at the POS, for the flow that sent
 *   it (delivered, or recovered by reconciliation); no two flows claim the same sale; no approved sale is
 *   marked not_found or failed; and no order was charged twice.
 *
 * Shared by chaos-property.test.ts and scripts/chaos-soak.mjs (which bundles this file).
 */
import {
  type FlowSummary,
  type Journal,
  type JournalRecord,
  type JsonObject,
  MemoryJournal,
} from '@bluechip-ws/core';
import { attachSimulator } from '@bluechip-ws/simulator';
import { createMemoryNetwork, type FaultRule } from '@bluechip-ws/transport-memory';
import { mulberry32 } from '@bluechip-ws/transport-memory/internal';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { type Cents, connect, type Terminal } from '../src/index.js';
import { runUntil } from './recovery-support.js';

export interface ScheduleResult {
  readonly seed: number;
  readonly orders: number;
  /** Sales the simulator approved. */
  readonly approved: number;
  /** Of those, how many the POS learned by reconciliation rather than from the event itself. */
  readonly recovered: number;
  readonly crashes: number;
  readonly faults: number;
  /** Orders whose outcome the POS still did not know at the end (allowed: none of them was approved). */
  readonly unresolvedOrders: number;
  /** Property violations; empty when the schedule passed. */
  readonly violations: readonly string[];
  /** What happened, for a failing seed (bounded). */
  readonly trace: readonly string[];
}

/** Counts over many schedules, as the test and the soak script print them. */
export interface ScheduleTotals {
  schedules: number;
  orders: number;
  approved: number;
  recovered: number;
  crashes: number;
  faults: number;
  unresolved: number;
}

export function emptyTotals(): ScheduleTotals {
  return { schedules: 0, orders: 0, approved: 0, recovered: 0, crashes: 0, faults: 0, unresolved: 0 };
}

export function addToTotals(totals: ScheduleTotals, result: ScheduleResult): void {
  totals.schedules++;
  totals.orders += result.orders;
  totals.approved += result.approved;
  totals.recovered += result.recovered;
  totals.crashes += result.crashes;
  totals.faults += result.faults;
  totals.unresolved += result.unresolvedOrders;
}

const BASE = Date.UTC(2026, 10, 27, 9, 0, 0);
const MINUTE = 60_000;
const MAX_ATTEMPTS = 10;
const TRACE_LIMIT = 400;

/**
 * A journal whose process "died": later writes from the dead session vanish, reads still work. `durableAfter`
 * makes appends asynchronous like a file journal's: a record is durable (applied) only after that many
 * microtasks, and one still pending when the process dies is lost.
 */
class CrashableJournal implements Journal {
  crashed = false;
  constructor(
    private readonly inner: Journal,
    private readonly durableAfter = 0,
  ) {}
  append(record: JournalRecord): void | Promise<void> {
    if (this.crashed) return;
    if (this.durableAfter === 0) return this.inner.append(record);
    let pending = Promise.resolve();
    for (let i = 1; i < this.durableAfter; i++) pending = pending.then(() => undefined);
    return pending.then(() => {
      if (!this.crashed) return this.inner.append(record);
    });
  }
  has(flowId: string) {
    return this.inner.has(flowId);
  }
  openFlows() {
    return this.inner.openFlows();
  }
  flow(flowId: string) {
    return this.inner.flow(flowId);
  }
  byIdempotencyKey(key: string) {
    return this.inner.byIdempotencyKey(key);
  }
  async close(): Promise<void> {}
}

export interface ScheduleOptions {
  /** Highest probability of each fault rule per frame (each rule draws its own in [0, intensity)). Default 0.08. */
  readonly intensity?: number;
  /** Probability of a POS crash during each attempt. Default 0.12. */
  readonly crashRate?: number;
  /** Virtual time between two orders. Default 5 min (more than the 2 min clock tolerance). */
  readonly spacingMs?: number;
  /** Probability that the POS sends its order id as `invoiceNo` (echoed by the terminal). Default 0.5. */
  readonly invoiceRate?: number;
  /** Appends become durable this many microtasks later, as with a file journal (0: synchronous, default). */
  readonly durableAfter?: number;
  /** Each POS process's flow-id generator starts over, so ids drawn by earlier processes come again. */
  readonly reuseIds?: boolean;
  /** Probability that an approval reaching the POS is followed by a second, declined final for the flow. */
  readonly conflictRate?: number;
  /** Probability of a POS crash at the instant a sale's final event reaches it (before or as it is acked). */
  readonly finalCrashRate?: number;
}

export async function runSchedule(seed: number, options: ScheduleOptions = {}): Promise<ScheduleResult> {
  const random = mulberry32(seed * 7919 + 17);
  const pick = (p: number) => random() < p;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const trace: string[] = [];
  const log = (line: string) => {
    if (trace.length < TRACE_LIMIT) trace.push(`${String(scheduler.now()).padStart(9)} ${line}`);
  };

  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const network = createMemoryNetwork({ scheduler, seed });
  const sim = attachSimulator(network.server, {
    scheduler,
    seed,
    now: () => new Date(BASE + scheduler.now()),
    eventDelayMs: between(50, 2_000),
    ackTimeoutMs: between(1_000, 8_000),
  });
  const store = new MemoryJournal();

  // Which flow each approved transaction belongs to, as the simulator saw it.
  const flowOfReference = new Map<string, string>();
  let faults = 0;
  network.faults$.subscribe((f) => {
    faults++;
    log(`fault ${f.direction} ${f.action.kind} #${f.index} ${f.frame.slice(0, 60)}`);
  });
  // Sales the simulator received, by flow id (recalls carry the same reference and are not sales).
  const sentFlows = new Set<string>();
  sim.frames$.subscribe((record) => {
    if (
      record.direction === 'in' &&
      record.text.includes('"request"') &&
      record.text.includes('"type":"sale"')
    ) {
      const id = /"flow_id":"([^"]*)"/.exec(record.text)?.[1];
      if (id !== undefined) sentFlows.add(id);
    }
    if (record.direction !== 'out' || !record.text.includes('"event"')) return;
    try {
      const frame = JSON.parse(record.text) as { event?: { flow_id: string; resource: JsonObject } };
      const ref = referenceOf(frame.event?.resource);
      if (frame.event && ref !== undefined && sentFlows.has(frame.event.flow_id)) {
        flowOfReference.set(ref, frame.event.flow_id);
        // Crash as the final arrives: the frame is delivered first (same instant, scheduled earlier).
        if (finalCrashRate > 0 && pick(finalCrashRate)) scheduler.schedule(() => crash(), 0);
      }
    } catch {
      // a malformed frame (amount 207) carries nothing
    }
  });
  sim.log$.subscribe((entry) => {
    log(`sim ${entry.kind} ${entry.flow_id ?? ''} ${entry.message.slice(0, 80)}`);
    if (
      entry.kind === 'link_dropped_mid_flow' &&
      entry.flow_id !== undefined &&
      sentFlows.has(entry.flow_id) &&
      /recorded/.test(entry.message)
    ) {
      const ref = referenceOf({ results: [sim.snapshot().lastTransaction ?? {}] });
      if (ref !== undefined) flowOfReference.set(ref, entry.flow_id);
    }
  });

  const finalCrashRate = options.finalCrashRate ?? 0;
  network.setFaults(faultPlan(random, options.intensity ?? 0.08, options.conflictRate ?? 0), seed);

  let journal = new CrashableJournal(store, options.durableAfter);
  let crashes = 0;
  let flowCounter = 0;
  const open = (): Terminal => {
    // A new process whose generator starts over draws the ids of earlier processes again.
    if (options.reuseIds === true) flowCounter = 0;
    return connect({
      transport: network.transport,
      scheduler,
      journal,
      now: () => BASE + scheduler.now(),
      flowIds: () => `s${seed}-f${++flowCounter}`,
      reconnect: { jitter: 0, maxAttempts: 6 },
    });
  };
  let terminal = open();

  const crash = () => {
    crashes++;
    log('POS crash');
    journal.crashed = true;
    network.disconnectAll('POS process died');
    terminal.close();
    journal = new CrashableJournal(store, options.durableAfter);
    terminal = open();
  };

  const orders = between(2, 5);
  const withInvoice = pick(options.invoiceRate ?? 0.5);
  const delivered = new Map<string, number>(); // flow id → approved outcomes delivered (not replays)
  const known = new Map<string, string>(); // order key → outcome kind the POS ended with
  for (let order = 0; order < orders; order++) {
    const key = `s${seed}-order-${order}`;
    const amount = orderAmount(order, random);
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !known.has(key); attempt++) {
      if (pick(options.crashRate ?? 0.12)) {
        const at = between(0, 4_000);
        scheduler.schedule(crash, at);
      }
      const current = terminal;
      try {
        const outcome = await runUntil(
          scheduler,
          current.sale(
            { amount: amount as Cents, ...(withInvoice ? { invoiceNo: key } : {}) },
            { idempotencyKey: key },
          ),
        );
        log(
          `order ${order} attempt ${attempt}: ${outcome.kind}${outcome.replayed ? ' (replayed)' : ''} ${outcome.flowId}`,
        );
        if (outcome.kind === 'approved' && !outcome.replayed)
          delivered.set(outcome.flowId, (delivered.get(outcome.flowId) ?? 0) + 1);
        known.set(key, outcome.kind);
      } catch (error) {
        log(`order ${order} attempt ${attempt}: ${describe(error)}`);
        await advance(scheduler, between(5_000, 40_000));
      }
    }
    await advance(scheduler, options.spacingMs ?? 5 * MINUTE);
  }

  // The weather clears: reconcile until the terminal could be asked about everything.
  network.setFaults({});
  let recovered = 0;
  for (let round = 0; round < 5; round++) {
    try {
      const report = await runUntil(scheduler, terminal.reconcile());
      recovered += report.flows.filter((f) => f.verdict === 'recovered').length;
      log(`final reconcile: ${report.flows.map((f) => `${f.flowId}=${f.verdict}/${f.source}`).join(' ')}`);
      if (!report.flows.some((f) => f.source === 'unreachable')) break;
    } catch (error) {
      log(`final reconcile failed: ${describe(error)}`);
    }
    await advance(scheduler, MINUTE);
  }
  await advance(scheduler, 10 * MINUTE);

  const violations = await check(store, sim.snapshot().batch, flowOfReference, sentFlows, delivered);
  terminal.close();
  sim.close();
  scheduler.flush();
  const approvedSales = sim
    .snapshot()
    .batch.filter((e) => e.type === 'sale' && e.result.status === 'approved');
  const recoveredSales = await countRecovered(
    store,
    approvedSales.map((e) => flowOfReference.get(e.reference_no)),
  );
  return {
    seed,
    orders,
    approved: approvedSales.length,
    recovered: Math.max(recovered, recoveredSales),
    crashes,
    faults,
    unresolvedOrders: orders - known.size,
    violations,
    trace,
  };
}

async function check(
  journal: Journal,
  batch: readonly { reference_no: string; type: string; result: Readonly<Record<string, unknown>> }[],
  flowOfReference: ReadonlyMap<string, string>,
  sentFlows: ReadonlySet<string>,
  delivered: ReadonlyMap<string, number>,
): Promise<string[]> {
  const violations: string[] = [];
  const approved = batch.filter((e) => e.type === 'sale' && e.result.status === 'approved');
  const approvedRefs = new Set(approved.map((e) => e.reference_no));
  for (const entry of approved) {
    const flowId = flowOfReference.get(entry.reference_no);
    if (flowId === undefined) {
      violations.push(`harness: approved sale ${entry.reference_no} has no known flow`);
      continue;
    }
    const flow = await journal.flow(flowId);
    if (flow === undefined) {
      violations.push(`approved sale ${entry.reference_no} (flow ${flowId}) is not in the journal`);
      continue;
    }
    const result = approvedResult(flow);
    if (result === undefined) {
      violations.push(
        `approved sale ${entry.reference_no} (flow ${flowId}) has no approved outcome at the POS: ${summarize(flow)}`,
      );
    } else if (referenceOf(result) !== entry.reference_no) {
      violations.push(
        `flow ${flowId} holds reference ${referenceOf(result)}, the terminal approved ${entry.reference_no}`,
      );
    }
    const verdict = flow.reconciled?.verdict;
    if (verdict === 'not_found' || verdict === 'failed')
      violations.push(`approved sale ${entry.reference_no} (flow ${flowId}) is marked ${verdict}`);
  }
  // No two flows claim one sale, and no flow claims an approval the terminal never made.
  const claims = new Map<string, string[]>();
  for (const flowId of sentFlows) {
    const flow = await journal.flow(flowId);
    const result = flow === undefined ? undefined : approvedResult(flow);
    const ref = referenceOf(result);
    if (result === undefined || ref === undefined) continue;
    if (!approvedRefs.has(ref))
      violations.push(`flow ${flowId} claims approved sale ${ref}, unknown to the terminal`);
    claims.set(ref, [...(claims.get(ref) ?? []), flowId]);
  }
  for (const [ref, flows] of claims) {
    if (flows.length > 1) violations.push(`sale ${ref} is claimed by several flows: ${flows.join(', ')}`);
  }
  for (const [flowId, count] of delivered) {
    if (count > 1) violations.push(`flow ${flowId} delivered an approval ${count} times`);
  }
  // Idempotency: one approved sale per order at most.
  const perOrder = new Map<string, number>();
  for (const entry of approved) {
    const flowId = flowOfReference.get(entry.reference_no);
    const key = flowId === undefined ? undefined : (await journal.flow(flowId))?.idempotencyKey;
    if (key !== undefined) perOrder.set(key, (perOrder.get(key) ?? 0) + 1);
  }
  for (const [key, count] of perOrder) {
    if (count > 1) violations.push(`order ${key} was charged ${count} times`);
  }
  return violations;
}

/** The approved result a flow ended with at the POS: its own final event, or the one reconciliation recovered. */
function approvedResult(flow: FlowSummary): JsonObject | undefined {
  const result =
    flow.reconciled?.verdict === 'recovered' ? (flow.reconciled.resource ?? flow.final) : flow.final;
  const first = Array.isArray(result?.results) ? (result.results[0] as JsonObject | undefined) : undefined;
  return first?.status === 'approved' && (result?.status === 'completed' || result?.status === 'ok')
    ? result
    : undefined;
}

async function countRecovered(journal: Journal, flowIds: readonly (string | undefined)[]): Promise<number> {
  let n = 0;
  for (const id of flowIds) {
    if (id !== undefined && (await journal.flow(id))?.reconciled?.verdict === 'recovered') n++;
  }
  return n;
}

function summarize(flow: FlowSummary): string {
  return JSON.stringify({
    started: flow.started,
    final: flow.final?.status,
    finalAcked: flow.finalAcked,
    ended: flow.ended,
    reconciled: flow.reconciled && { verdict: flow.reconciled.verdict, note: flow.reconciled.note },
  });
}

/** Amounts: mostly plain approvals (distinct per order), some simulator triggers (drop, no event, decline…). */
function orderAmount(order: number, random: () => number): number {
  const roll = random();
  if (roll < 0.1) return 205; // link dropped right after started
  if (roll < 0.14) return 204; // no event, ever
  if (roll < 0.18) return 206; // final event twice
  if (roll < 0.22) return 207; // a malformed frame first
  if (roll < 0.27) return 200; // declined
  return 1_000 + order * 100 + Math.floor(random() * 90);
}

/** A second final for the same flow that contradicts the first: a declined copy of an approval. */
const declinedCopy = (frame: string) => frame.replace('"status":"approved"', '"status":"declined"');

function faultPlan(random: () => number, intensity: number, conflictRate: number) {
  const p = () => random() * intensity;
  const ms = () => 100 + Math.floor(random() * 15_000);
  const rules = (extra: FaultRule[]): FaultRule[] => [
    ...extra,
    { probability: p(), action: { kind: 'drop' } },
    { probability: p(), action: { kind: 'delay', ms: ms() } },
    { probability: p(), action: { kind: 'duplicate' } },
    { probability: p(), action: { kind: 'reorder' } },
    { probability: p() / 2, action: { kind: 'disconnect' } },
  ];
  return {
    // A lost ack: the terminal resends its event (and may give up and keep the sale).
    toTerminal: rules([
      { match: (f: string) => f.includes('event_ack'), probability: p() * 2, action: { kind: 'drop' } },
    ]),
    toPos: rules(
      conflictRate > 0
        ? [
            {
              match: (f: string) => f.includes('"event"') && f.includes('"status":"approved"'),
              probability: conflictRate,
              action: { kind: 'duplicate', copy: declinedCopy },
            },
          ]
        : [],
    ),
  };
}

function referenceOf(resource: JsonObject | undefined): string | undefined {
  const first: unknown = Array.isArray(resource?.results) ? resource.results[0] : undefined;
  if (typeof first !== 'object' || first === null) return undefined;
  const ref = (first as Record<string, unknown>).reference_no;
  return typeof ref === 'string' || typeof ref === 'number' ? String(ref) : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error)
    return `${error.name}(${(error as { code?: string }).code ?? ''}): ${error.message.slice(0, 100)}`;
  return String(error);
}

async function advance(scheduler: VirtualTimeScheduler, ms: number): Promise<void> {
  await runUntil(scheduler, new Promise<void>((resolve) => scheduler.schedule(() => resolve(), ms)));
}
