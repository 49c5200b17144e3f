#!/usr/bin/env node
// Long chaos soak of recovery: runs the chaos schedules of packages/client/test/chaos-harness.ts (virtual
// time, in-memory network, simulator, seeded faults and POS crashes) for a bounded wall-clock duration, and
// checks the property after each: no approved sale lost or doubled, none marked not_found/failed, no order
// charged twice. Prints the seed range and counts; exit 1 with the failing seeds' traces on a violation.
//
//   node scripts/chaos-soak.mjs [--duration 60] [--seed <first>] [--intensity 0.08] [--crash-rate 0.12]
//                               [--spacing <ms>] [--invoice-rate 0.5] [--hostile]
//
// --hostile: every third seed is a hostile schedule: each POS restart draws the flow ids of earlier
// processes again, 30% of approvals are followed by a contradicting (declined) final, and 30% of finals
// crash the POS as they arrive.
// Without --spacing, schedules alternate between orders 5 min apart and orders 10 s apart; half of them
// journal asynchronously (appends durable 3 microtasks later, lost in a crash), like a file journal.
//
// The harness and the packages' TypeScript sources are bundled with esbuild first (no build needed).
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    seed: { type: 'string' },
    intensity: { type: 'string', default: '0.08' },
    'crash-rate': { type: 'string', default: '0.12' },
    spacing: { type: 'string' },
    'invoice-rate': { type: 'string', default: '0.5' },
    hostile: { type: 'boolean', default: false },
  },
});
const durationMs = Number(values.duration) * 1000;
const intensity = Number(values.intensity);
const crashRate = Number(values['crash-rate']);
const spacing = values.spacing === undefined ? undefined : Number(values.spacing);
const invoiceRate = Number(values['invoice-rate']);
// Default first seed: past the 1..2000 the test suite runs, different each run (printed for replay).
const first = values.seed === undefined ? 100_000 + Math.floor(Math.random() * 1e9) : Number(values.seed);
if (
  !(durationMs > 0) ||
  !Number.isSafeInteger(first) ||
  !(intensity >= 0 && intensity <= 1) ||
  !(crashRate >= 0)
) {
  console.error(
    'usage: chaos-soak.mjs [--duration <s>] [--seed <n>] [--intensity 0..1] [--crash-rate 0..1] [--spacing <ms>] [--invoice-rate 0..1]',
  );
  process.exit(2);
}

const entry = fileURLToPath(new URL('../packages/client/test/chaos-harness.ts', import.meta.url));
const bundle = join(tmpdir(), `chaos-soak-${process.pid}.mjs`);
await build({
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  // Bundled CommonJS dependencies (ws) require Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'silent',
});

let exitCode = 0;
try {
  const { runSchedule, emptyTotals, addToTotals } = await import(pathToFileURL(bundle).href);
  const totals = emptyTotals();
  const failures = [];
  const started = Date.now();
  let seed = first;
  let lastPrint = started;
  console.log(
    `chaos soak: seeds from ${first}, ${values.duration} s, intensity ${intensity}, crash rate ${crashRate}, ` +
      `spacing ${spacing ?? '5 min / 10 s alternating'}, invoice rate ${invoiceRate}` +
      `${values.hostile ? ', every third seed hostile' : ''}`,
  );
  while (Date.now() - started < durationMs && failures.length < 5) {
    const spacingMs = spacing ?? (seed % 2 === 0 ? 300_000 : 10_000);
    // Every other pair of seeds journals asynchronously, like a file journal.
    const durableAfter = Math.floor(seed / 2) % 2 === 0 ? 0 : 3;
    const hostile =
      values.hostile && seed % 3 === 0 ? { reuseIds: true, conflictRate: 0.3, finalCrashRate: 0.3 } : {};
    const result = await runSchedule(seed, {
      intensity,
      crashRate,
      spacingMs,
      invoiceRate,
      durableAfter,
      ...hostile,
    });
    addToTotals(totals, result);
    if (result.violations.length > 0) failures.push(result);
    seed++;
    if (Date.now() - lastPrint > 10_000) {
      lastPrint = Date.now();
      console.log(
        `  ${Math.round((lastPrint - started) / 1000)} s: seeds ${first}..${seed - 1} ${JSON.stringify(totals)}`,
      );
    }
  }
  console.log(`seeds ${first}..${seed - 1}: ${JSON.stringify(totals)}`);
  for (const failure of failures) {
    console.log(
      `\nFAILED seed ${failure.seed}:\n  ${failure.violations.join('\n  ')}\n${failure.trace.join('\n')}`,
    );
  }
  if (failures.length > 0) {
    console.log(
      '\nreplay one with: CHAOS_SEED=<seed> CHAOS_SPACING_MS=<ms> CHAOS_INTENSITY=<i> ' +
        'npx vitest run packages/client/test/chaos-property.test.ts',
    );
    exitCode = 1;
  } else {
    console.log('property held for every schedule');
  }
} finally {
  await rm(bundle, { force: true });
}
process.exit(exitCode);
