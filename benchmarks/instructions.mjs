// `npm run bench:instructions` (after `tsc -b`): the hot path, its floor and the client end to end counted in
// instructions under valgrind's callgrind, which gives the same count whatever else the machine is doing
// (wall-clock ratios on a shared 2-core machine swing by tens of percent). A hot-path number is a slope (the
// same run at several frame counts, so start-up, set-up and warm-up cancel out); an end-to-end run counts
// its measured flows alone (`measuredFlows`). Writes the
// "Instruction counts" section of docs/benchmarks.md. `--quick` runs fewer cases (not for publishing).
import { execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FOLD_LIMITS } from '@bluechip-ws/core';

const here = fileURLToPath(new URL('.', import.meta.url));
const child = join(here, 'lib', 'instructions-child.mjs');
const quick = process.argv.includes('--quick');
/** `--e2e-only`: only the end-to-end rows, printed and not written (to check a change to the client path). */
const e2eOnly = process.argv.includes('--e2e-only');

/**
 * The frame counts of every hot-path slope (after the same warm-up), least squares over them. Garbage
 * collections fall at different points in runs of different lengths, which moves a run's total by tens of
 * millions of instructions: 40 000 frames between the ends keep that under about a thousand per frame.
 */
const FRAMES = quick ? [1000, 3000] : [2000, 22_000, 42_000];
/**
 * Frames every hot-path run pushes before its measured ones, the same in every run. A slope cancels a cost
 * only if every run pays it: with 4000, V8 compiled the benchmark loop (OSR, with the whole event path
 * inlined) and, at 10 000 flows, recompiled the event path on the first second frame of a flow, inside the
 * measured frames of the longer runs only (`--trace-opt --trace-deopt`), which put about 10k instructions
 * of TurboFan per frame into the 10 000-flow slope. 30 000 covers three rounds at 10 000 flows; nothing
 * but one small function is compiled after it at any flow count.
 */
const WARMUP_FRAMES = quick ? 4000 : 30_000;
/** Open flows and journal per hot-path case (see lib/steady-state.mjs for the steady state each starts in). */
const HOT_CASES = quick
  ? [
      { count: 1, journal: 'small' },
      { count: 100, journal: 'small' },
    ]
  : [
      { count: 1, journal: 'small' },
      { count: 100, journal: 'small' },
      { count: 10_000, journal: 'small' },
      { count: 100_000, journal: 'small' },
      { count: 100, journal: 'default' },
      { count: 100, journal: 'large' },
      { count: 100, journal: 'none' },
      { count: 10_000, journal: 'none' },
      { count: 100_000, journal: 'none' },
    ];
/**
 * The multiplex-style router runs every subscriber's filter on every frame (hundreds of thousands of
 * instructions per frame at 10 000), so fewer frames give the same precision.
 */
const MULTIPLEX_FRAMES = quick ? [100, 300] : [200, 1200];
const MULTIPLEX_SUBSCRIBERS = 10_000;
/**
 * End to end: the flows counted per run, after E2E_WARMUP_FLOWS, and runs per case (the median is reported,
 * with the range). A run counts its measured flows alone (see `measuredFlows`), not a slope: slopes over 600
 * and 2400 flows moved by half between runs (V8 was still optimizing, and garbage collections fell
 * differently).
 */
const E2E_FLOWS = quick ? 1000 : 10_000;
/**
 * V8 keeps optimizing the session's per-flow code for thousands of flows (`--trace-opt`: 22 functions were
 * still compiled by TurboFan during 10 000 flows measured after 3000 warm-up flows, none but the harness's
 * own two after 15 000), and compiling is a one-time cost, not a flow's.
 */
const E2E_WARMUP_FLOWS = quick ? 3000 : 15_000;
const E2E_RUNS = quick ? 1 : 3;
/**
 * V8 without background threads and on its predictable GC schedule (heap growth fixed rather than tuned from
 * timings), for every run: the count of an end-to-end run then does not depend on how long the terminal took
 * to answer, nor a hot-path run's on how slow valgrind made it (without it, the timer-driven memory reducer
 * ran major collections of the 100 000-flow heap in the longer runs only: 57.1k per frame at 100 000 flows,
 * 52.4k with the flags). Every client and kind runs under the same flags.
 */
const NODE_FLAGS = ['--single-threaded', '--predictable-gc-schedule'];
/** callgrind runs at once: valgrind runs a process's threads on one core, so two use a 2-core machine. */
const PARALLEL = Number(process.env.CALLGRIND_JOBS ?? 2);
const E2E_CASES = [
  { name: 'sequential', inFlight: 1 },
  { name: '100 in flight', inFlight: 100 },
];

function valgrindVersion() {
  try {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    console.error(
      'valgrind is not installed. On Debian or Ubuntu: `sudo apt-get install valgrind` (the Debian package\n' +
        '`valgrind` brings callgrind); on Fedora: `sudo dnf install valgrind`. Then run this again.',
    );
    process.exit(2);
  }
}

const tmp = await mkdtemp(join(os.tmpdir(), 'bluechip-callgrind-'));
let runs = 0;

/** Instructions executed by one `node lib/instructions-child.mjs ...args` run (all of its threads). */
async function instructions(args) {
  const out = join(tmp, `callgrind.${runs++}.out`);
  const proc = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...NODE_FLAGS, child, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  proc.stdout.resume();
  const [code] = await once(proc, 'close');
  if (code !== 0 || !existsSync(out)) throw new Error(`callgrind run ${args.join(' ')} failed:\n${stderr}`);
  const text = await readFile(out, 'utf8');
  await rm(out);
  const total = /^(?:summary|totals): (\d+)/m.exec(text);
  if (total === null) throw new Error(`no total in the callgrind output of ${args.join(' ')}`);
  return Number(total[1]);
}

/**
 * Instructions of one end-to-end run's measured flows alone: once the child says it is warm, callgrind's
 * counters are zeroed (`callgrind_control --zero`); once it says it is done, they are read (every
 * thread), before it tears down. Start-up, warm-up and teardown are not counted at all.
 */
async function measuredFlows(args) {
  const out = join(tmp, `callgrind.${runs++}.out`);
  const proc = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...NODE_FLAGS, child, ...args],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const closed = once(proc, 'close');
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const until = async (word) => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`end-to-end run ${args.join(' ')} ended before "${word}":\n${stderr}`);
      if (value === word) return;
    }
  };
  try {
    await until('warm');
    execFileSync('callgrind_control', ['--zero', String(proc.pid)], { stdio: 'ignore' });
    proc.stdin.write('go\n');
    await until('done');
    const counters = execFileSync('callgrind_control', ['-e', 'Ir', String(proc.pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    proc.stdin.write('exit\n');
    const [code] = await closed;
    if (code !== 0) throw new Error(`end-to-end run ${args.join(' ')} exited with ${code}:\n${stderr}`);
    const threads = [...counters.matchAll(/^\s*Th\s*\d+\s+([\d,]+)\s*$/gm)];
    if (threads.length === 0) throw new Error(`no counters from callgrind_control:\n${counters}`);
    return threads.reduce((sum, [, n]) => sum + Number(n.replaceAll(',', '')), 0);
  } finally {
    proc.kill();
    await rm(out, { force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Least-squares slope of y over x. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

/** A global limit of PARALLEL callgrind runs: `limited(task)` waits for a free slot. */
let running = 0;
const waiting = [];
async function limited(task) {
  if (running >= PARALLEL) await new Promise((resolve) => waiting.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Instructions per frame of one hot-path kind: the slope over `frameCounts`. */
async function perFrame(kind, count, journal, frameCounts = FRAMES) {
  const totals = await Promise.all(
    frameCounts.map((frames) =>
      limited(() => instructions(['hot', kind, count, frames, journal, WARMUP_FRAMES])),
    ),
  );
  return slope(frameCounts, totals);
}

const kilo = (n) => `${(n / 1000).toFixed(1)}k`;
/** A median with the range of the runs it comes from. */
const range = (r) => `${kilo(r.median)} (${kilo(r.low)} to ${kilo(r.high)})`;
const times = (n) => `${n.toFixed(2)}×`;

const version = valgrindVersion();
const started = Date.now();
console.log(
  `${version}; hot path frames ${FRAMES.join(' and ')}; end to end ${E2E_RUNS} runs of ${E2E_FLOWS} flows per case`,
);

// The floor and the frame factory do not depend on the open flows: measured once, at one open flow.
const hotCases = e2eOnly ? [] : HOT_CASES;
const [build, floorRaw, multiplexRaw, ...hots] = e2eOnly
  ? [0, 0, 0]
  : await Promise.all([
      perFrame('build', 1, 'small'),
      perFrame('floor', 1, 'small'),
      perFrame('multiplex', MULTIPLEX_SUBSCRIBERS, 'none', MULTIPLEX_FRAMES),
      ...hotCases.map(({ count, journal }) => perFrame('hot', count, journal)),
    ]);
const floorTotal = floorRaw - build;
if (!e2eOnly) console.log(`floor (JSON.parse + ack encode): ${kilo(floorTotal)} instructions per frame`);
const hotRows = hotCases.map(({ count, journal }, i) => {
  const hot = hots[i] - build;
  console.log(
    `${count} open flows, ${journal} journal: ${kilo(hot)} per frame, ${times(hot / floorTotal)} the floor`,
  );
  return { count, journal, hot, ratio: hot / floorTotal };
});
const multiplex = multiplexRaw - build;
const atMultiplexCount = hotRows.filter((r) => r.count === MULTIPLEX_SUBSCRIBERS);
if (!e2eOnly)
  console.log(`multiplex-style router, ${MULTIPLEX_SUBSCRIBERS} subscribers: ${kilo(multiplex)} per frame`);

const terminal = fork(join(here, 'lib', 'raw-terminal.mjs'), ['--one-write'], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const [{ port }] = await once(terminal, 'message');
const url = `ws://127.0.0.1:${port}`;
const e2eRows = [];
try {
  const slopes = await Promise.all(
    E2E_CASES.flatMap(({ inFlight }) =>
      ['session', 'raw'].map(async (kind) => {
        // allSettled: a failed run must not remove the output directory under the runs still going.
        const settled = await Promise.allSettled(
          Array.from({ length: E2E_RUNS }, () =>
            limited(() => measuredFlows(['e2e', kind, E2E_FLOWS, inFlight, url, E2E_WARMUP_FLOWS])),
          ),
        );
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
        const perFlow = settled.map((r) => r.value / E2E_FLOWS);
        return { median: median(perFlow), low: Math.min(...perFlow), high: Math.max(...perFlow) };
      }),
    ),
  );
  E2E_CASES.forEach(({ name }, i) => {
    const [session, raw] = slopes.slice(2 * i, 2 * i + 2);
    e2eRows.push({ name, session, raw, ratio: raw.median / session.median });
    console.log(
      `end to end, ${name}: session ${range(session)}, raw ws ${range(raw)} per flow: ${times(raw.median / session.median)}`,
    );
  });
} finally {
  terminal.send('stop');
  await rm(tmp, { recursive: true, force: true });
}
if (e2eOnly) process.exit(0);

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const journalName = {
  small: '16 events/flow',
  default: `default (${DEFAULT_FOLD_LIMITS.maxEventsPerFlow} events/flow)`,
  large: '1000 events/flow',
  none: 'none (keeps nothing)',
};
const section = `## Instruction counts (benchmarks/instructions.mjs)

<!-- Written by \`npm run bench:instructions\`; the rest of this file by \`pnpm bench\`. -->

Run: ${new Date(started).toISOString()} at commit \`${commit}\`, \`npm run bench:instructions\`${quick ? ' --quick (not for publishing)' : ''}, ${Math.round((Date.now() - started) / 1000)} s; ${version}, Node ${process.version}.

Counted by callgrind (every thread of the process), every run under \`node ${NODE_FLAGS.join(' ')}\` (no
background threads, garbage collections on a fixed schedule rather than one tuned from timings), so the numbers
do not depend on the machine's load nor on how slow valgrind makes a run. A hot-path number is a slope: the same process run at ${FRAMES.join(', ')} measured frames (least squares), so
start-up, set-up and warm-up cancel out. Before its measured frames every
hot-path run opens its flows, brings each to the steady state (one event through the session, its journal
entry filled to the journal's bound) and pushes ${WARMUP_FRAMES} warm-up frames; a flow's dedupe map is reset after
every 16 of its events, the flows staggered so that one frame in 16 meets a reset at every flow count
(\`lib/steady-state.mjs\`). The frame factory's own cost (${kilo(build)} per frame) is subtracted from both.

Floor (\`JSON.parse\` of the frame + encoding its ack): **${kilo(floorTotal)} instructions per frame**.

| open flows | journal | hot path, instructions per frame | hot path / floor |
|---|---|---|---|
${hotRows.map((r) => `| ${r.count} | ${journalName[r.journal]} | ${kilo(r.hot)} | ${times(r.ratio)} |`).join('\n')}

Cost at ${hotRows.find((r) => r.count === 100_000)?.count ?? hotRows.at(-1)?.count} open flows / cost at 1 (16 events/flow): ${times((hotRows.find((r) => r.count === 100_000) ?? hotRows.at(-1)).hot / hotRows[0].hot)}.

The multiplex-style router (\`lib/multiplex-router.mjs\`: one \`filter\` per subscriber over every parsed frame, as
rxjs \`webSocket().multiplex\` routes) at ${MULTIPLEX_SUBSCRIBERS} subscribers, slope over ${MULTIPLEX_FRAMES.join(' and ')} frames:
**${kilo(multiplex)} instructions per frame**; ${atMultiplexCount.map((r) => `${times(multiplex / r.hot)} the session's (${journalName[r.journal]})`).join(', ')}.

End to end, the client process only (the terminal, \`lib/raw-terminal.mjs\`, runs outside valgrind): the
\`Session\` over \`createWsTransport\` with its defaults, against the raw \`ws\` client (\`lib/raw-client.mjs\`).
Each run makes ${E2E_WARMUP_FLOWS} warm-up flows, then ${E2E_FLOWS} measured ones (the terminal writes its response and
event in one write, so every run reads them alike); callgrind's counters are zeroed when the
measured flows start and read when they end (\`callgrind_control\`), so only they are counted, start-up and
teardown not at all. Node runs with \`${NODE_FLAGS.join(' ')}\` (no background threads, heap growth not
tuned from timings), so that a run's count does not depend on how fast the terminal answered; ${E2E_RUNS} runs
per case, median (range).

| scenario | session, instructions per flow | raw ws, per flow | raw / session |
|---|---|---|---|
${e2eRows.map((r) => `| ${r.name} | ${range(r.session)} | ${range(r.raw)} | ${times(r.ratio)} |`).join('\n')}
`;
console.log(`\n${section}`);
if (!quick) {
  const path = join(here, '..', 'docs', 'benchmarks.md');
  const doc = await readFile(path, 'utf8');
  const pattern = /## Instruction counts \(benchmarks\/instructions\.mjs\)[\s\S]*?(?=\n## |$)/;
  const next = pattern.test(doc)
    ? doc.replace(pattern, section.trimEnd())
    : // At the end: `pnpm bench` (run.mjs) regenerates everything before "## Browser bundle size" and keeps the rest.
      `${doc.trimEnd()}\n\n${section}`;
  await writeFile(path, next);
  console.log('wrote the "Instruction counts" section of docs/benchmarks.md');
}
