// `node benchmarks/telemetry-instructions.mjs` (after `tsc -b`; needs valgrind): what the client's
// OpenTelemetry instrumentation costs per sale, in instructions under callgrind (the same count whatever
// else the machine does). Each figure is a slope between two sale counts, so start-up and warm-up cancel
// out; a sale is the whole flow through connect() and the simulator on the memory network (virtual time).
// Cases: telemetry off (connect({ telemetry: false })), no SDK registered (the default), SDK registered.
// Node runs --single-threaded (no background compiler or GC threads) with fixed hash and random seeds, which
// keeps the counts repeatable from run to run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./lib/telemetry-child.mjs', import.meta.url));
const SALES = [200, 1000];
const MODES = ['off', 'none', 'sdk'];
const tmp = await mkdtemp(join(os.tmpdir(), 'bluechip-telemetry-'));

async function instructions(mode, sales) {
  const out = join(tmp, `callgrind.${mode}.${sales}`);
  const proc = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      process.execPath,
      '--single-threaded',
      '--hash-seed=1',
      '--random-seed=1',
      child,
      mode,
      String(sales),
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  proc.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(proc, 'close');
  if (code !== 0 || !existsSync(out))
    throw new Error(`callgrind ${mode} ${sales} failed:\n${stderr.slice(-2000)}`);
  const total = /^(?:summary|totals): (\d+)/m.exec(await readFile(out, 'utf8'));
  if (total === null) throw new Error(`no total in the callgrind output of ${mode} ${sales}`);
  return Number(total[1]);
}

const perSale = {};
// Two at a time: valgrind runs a process on one core.
for (const mode of MODES) {
  const [low, high] = await Promise.all(SALES.map((sales) => instructions(mode, sales)));
  perSale[mode] = (high - low) / (SALES[1] - SALES[0]);
  console.log(`${mode.padEnd(5)} ${Math.round(perSale[mode]).toLocaleString('en')} instructions per sale`);
}
const base = perSale.off;
for (const mode of ['none', 'sdk']) {
  const delta = perSale[mode] - base;
  console.log(
    `${mode}: ${delta >= 0 ? '+' : ''}${Math.round(delta).toLocaleString('en')} per sale (${((delta / base) * 100).toFixed(2)} %) vs off`,
  );
}
await rm(tmp, { recursive: true, force: true });
