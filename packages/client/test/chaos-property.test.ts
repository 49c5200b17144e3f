import { describe, expect, it } from 'vitest';
import { runSchedule, type ScheduleResult } from './chaos-harness.js';

/** Seeds 1..CHAOS_RUNS (default 2000); each seed is one schedule, replayable with CHAOS_SEED=<n>. */
const RUNS = Number(process.env.CHAOS_RUNS ?? 2_000);
const ONLY = process.env.CHAOS_SEED === undefined ? undefined : Number(process.env.CHAOS_SEED);
const INTENSITY = process.env.CHAOS_INTENSITY === undefined ? undefined : Number(process.env.CHAOS_INTENSITY);

describe('chaos: no approved sale is lost or doubled', () => {
  it(`holds over ${ONLY === undefined ? `seeds 1..${RUNS}` : `seed ${ONLY}`}`, {
    timeout: 600_000,
  }, async () => {
    const seeds = ONLY === undefined ? Array.from({ length: RUNS }, (_, i) => i + 1) : [ONLY];
    const totals = {
      schedules: 0,
      orders: 0,
      approved: 0,
      recovered: 0,
      crashes: 0,
      faults: 0,
      unresolved: 0,
    };
    const failures: ScheduleResult[] = [];
    for (const seed of seeds) {
      const result = await runSchedule(seed, INTENSITY === undefined ? {} : { intensity: INTENSITY });
      totals.schedules++;
      totals.orders += result.orders;
      totals.approved += result.approved;
      totals.recovered += result.recovered;
      totals.crashes += result.crashes;
      totals.faults += result.faults;
      totals.unresolved += result.unresolvedOrders;
      if (result.violations.length > 0) failures.push(result);
      if (failures.length >= 3) break;
    }
    console.log(`chaos seeds ${seeds[0]}..${seeds.at(-1)}: ${JSON.stringify(totals)}`);
    for (const failure of failures) {
      console.log(
        `seed ${failure.seed} violations:\n  ${failure.violations.join('\n  ')}\ntrace:\n${failure.trace.join('\n')}`,
      );
    }
    expect(failures.map((f) => ({ seed: f.seed, violations: f.violations }))).toEqual([]);
    expect(totals.approved).toBeGreaterThan(0);
  });
});
