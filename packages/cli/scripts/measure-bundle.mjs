// Size and start-up time of the single-file bundle (dist/bluechip.mjs) against the multi-file build
// (dist/bin.js + node_modules), measured in pairs: each round runs both, in alternating order, so load on a
// shared machine hits both alike; the report gives the medians and the median of the per-pair differences.
// Two start-ups: `--version` (load and exit) and `serve --stdio` up to its answer to one `rpc.discover`
// (what a binding waits for). Usage: node packages/cli/scripts/measure-bundle.mjs [rounds, default 20]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const bundle = fileURLToPath(new URL('../dist/bluechip.mjs', import.meta.url));
const multi = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const rounds = Number(process.argv[2] ?? 20);

function version(file) {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [file, '--version'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function firstAnswer(file) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [file, 'serve', '--stdio']);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!out.includes('\n')) return;
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      child.stdin.end();
      child.once('exit', () => resolve(ms));
    });
    child.once('error', reject);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'rpc.discover' })}\n`);
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function paired(name, measure) {
  const a = [];
  const b = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      a.push(await measure(bundle));
      b.push(await measure(multi));
    } else {
      b.push(await measure(multi));
      a.push(await measure(bundle));
    }
  }
  const diff = a.map((value, i) => value - b[i]);
  console.log(
    `${name}: bundle median ${median(a).toFixed(1)} ms, multi-file median ${median(b).toFixed(1)} ms, ` +
      `median paired difference ${median(diff).toFixed(1)} ms (${rounds} pairs)`,
  );
}

const bytes = readFileSync(bundle);
console.log(
  `size: ${(statSync(bundle).size / 1024).toFixed(1)} KiB, ${(gzipSync(bytes).length / 1024).toFixed(1)} KiB gzipped; node ${process.version}`,
);
await paired('--version', version);
await paired('serve --stdio to first answer', firstAnswer);
