import { measure } from 'mitata';

/**
 * Runs one mitata measurement with a bounded sample time: at least `minSamples` samples and about `cpuMs`
 * of measured time, so every case stops by itself. Returns the stats mitata computes (nanoseconds).
 */
export async function timed(fn, { cpuMs = 300, minSamples = 12, maxSamples = 1e9, batch } = {}) {
  const opts = { min_cpu_time: cpuMs * 1e6, min_samples: minSamples, max_samples: maxSamples };
  if (batch !== undefined) opts.batch_samples = batch;
  const stats = await measure(fn, opts);
  return {
    avg: stats.avg,
    p50: stats.p50,
    p99: stats.p99,
    min: stats.min,
    max: stats.max,
    ticks: stats.ticks,
  };
}

/** Formats nanoseconds as a short human unit. */
export function ns(value) {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  if (value < 1e3) return `${value.toFixed(1)} ns`;
  if (value < 1e6) return `${(value / 1e3).toFixed(2)} µs`;
  if (value < 1e9) return `${(value / 1e6).toFixed(2)} ms`;
  return `${(value / 1e9).toFixed(2)} s`;
}

export function ratio(value) {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : `${value.toFixed(2)}×`;
}

/** Prints rows as an aligned plain-text table (the first row is the header). */
export function printTable(title, rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ');
  console.log(`\n${title}`);
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
}

/** Writes a suite's results where run.mjs asked (`--json <file>`), or nowhere when run alone. */
export async function report(result) {
  const at = process.argv.indexOf('--json');
  if (at < 0 || process.argv[at + 1] === undefined) return;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(process.argv[at + 1], JSON.stringify(result, null, 2));
}

/** `--quick` shortens every sample time (for trying a suite out, not for published numbers). */
export const QUICK = process.argv.includes('--quick');
