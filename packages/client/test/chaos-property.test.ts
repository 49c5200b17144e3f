import { describe, expect, it } from 'vitest';
import {
  addToTotals,
  emptyTotals,
  runSchedule,
  type ScheduleOptions,
  type ScheduleResult,
} from './chaos-harness.js';

/**
 * Seeds 1..CHAOS_RUNS (default 2000, and half as many orders-back-to-back schedules); each seed is one
 * schedule, replayable with CHAOS_SEED=<n>. CHAOS_INTENSITY, CHAOS_SPACING_MS, CHAOS_INVOICE_RATE and
 * CHAOS_DURABLE_AFTER override the harness defaults (see chaos-harness.ts and scripts/chaos-soak.mjs).
 */
const RUNS = Number(process.env.CHAOS_RUNS ?? 2_000);
const ONLY = process.env.CHAOS_SEED === undefined ? undefined : Number(process.env.CHAOS_SEED);
const fromEnv = (name: string) => (process.env[name] === undefined ? undefined : Number(process.env[name]));
const OVERRIDES: ScheduleOptions = Object.fromEntries(
  Object.entries({
    intensity: fromEnv('CHAOS_INTENSITY'),
    spacingMs: fromEnv('CHAOS_SPACING_MS'),
    invoiceRate: fromEnv('CHAOS_INVOICE_RATE'),
    durableAfter: fromEnv('CHAOS_DURABLE_AFTER'),
  }).filter(([, value]) => value !== undefined),
);

async function holds(label: string, runs: number, options: ScheduleOptions): Promise<void> {
  const seeds = ONLY === undefined ? Array.from({ length: runs }, (_, i) => i + 1) : [ONLY];
  const totals = emptyTotals();
  const failures: ScheduleResult[] = [];
  for (const seed of seeds) {
    const result = await runSchedule(seed, { ...options, ...OVERRIDES });
    addToTotals(totals, result);
    if (result.violations.length > 0) failures.push(result);
    if (failures.length >= 3) break;
  }
  console.log(`chaos (${label}) seeds ${seeds[0]}..${seeds.at(-1)}: ${JSON.stringify(totals)}`);
  for (const failure of failures) {
    console.log(
      `seed ${failure.seed} violations:\n  ${failure.violations.join('\n  ')}\ntrace:\n${failure.trace.join('\n')}`,
    );
  }
  expect(failures.map((f) => ({ seed: f.seed, violations: f.violations }))).toEqual([]);
  expect(totals.approved).toBeGreaterThan(0);
}

describe('chaos: no approved sale is lost or doubled', () => {
  it('holds over seeded schedules, orders minutes apart', { timeout: 600_000 }, async () => {
    await holds('orders 5 min apart', RUNS, {});
  });

  it('holds with an asynchronous journal (appends durable a few microtasks later, lost in a crash)', {
    timeout: 600_000,
  }, async () => {
    await holds('asynchronous journal', Math.ceil(RUNS / 4), { durableAfter: 3 });
  });

  it('holds with flow ids reused by every restart, conflicting finals and crashes as a final arrives', {
    timeout: 600_000,
  }, async () => {
    const hostile = { reuseIds: true, conflictRate: 0.3, finalCrashRate: 0.3 };
    await holds('hostile: ids reused, conflicting finals, crash at final', Math.ceil(RUNS / 4), hostile);
    await holds('hostile, asynchronous journal', Math.ceil(RUNS / 8), { ...hostile, durableAfter: 3 });
  });

  it('holds with orders back to back (10 s apart: within the clock tolerance, beyond the match tolerance)', {
    timeout: 600_000,
  }, async () => {
    await holds('orders 10 s apart', Math.ceil(RUNS / 2), { spacingMs: 10_000 });
  });
});
