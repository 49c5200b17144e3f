// Memory of `bluechip simulate` when nobody reads its output (issue: bounded simulator log). After `tsc -b`:
// `node benchmarks/sim-log-memory.mjs [--frames 200] [--kb 512] [--heap-cap 128]`. Starts the simulator with
// its stdout piped and never read, sends frames of the given size over loopback, and prints the simulator's
// resident memory (VmRSS, Linux) before and after (the baseline is the same process before the frames), how
// many answers came back, and whether it survived. RSS alone includes garbage V8 has not collected yet; the
// heap cap (--max-old-space-size of the simulator) tells retained memory from garbage: a simulator that
// keeps what it logs dies under the cap, a bounded one keeps answering.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const frames = arg('--frames', 200);
const kb = arg('--kb', 512);
const heapCap = arg('--heap-cap', 0);
const bin = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const rssMb = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Number(line[1]) / 1024 : Number.NaN;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const port = await freePort();
// stdout is a pipe nobody reads; stderr (the ready line goes to stdout, so poll the port instead).
const nodeArgs = heapCap > 0 ? [`--max-old-space-size=${heapCap}`] : [];
const child = spawn(
  process.execPath,
  [...nodeArgs, bin, 'simulate', '--host', '127.0.0.1', '--port', String(port)],
  {
    stdio: ['ignore', 'pipe', 'ignore'],
  },
);
let exited = false;
child.on('exit', () => (exited = true));
child.stdout.pause();
let socket;
for (let attempt = 0; attempt < 100 && socket === undefined; attempt++) {
  await sleep(100);
  socket = await new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/tsi/v1/payment`);
    ws.once('open', () => resolve(ws));
    ws.once('error', () => resolve(undefined));
  });
}
if (socket === undefined) throw new Error('the simulator did not start');
let answers = 0;
socket.on('message', () => answers++);
socket.on('error', () => undefined);
await sleep(500);
const before = rssMb(child.pid);
const note = 'x'.repeat(kb * 1024);
for (let i = 0; i < frames && !exited; i++) {
  // Not a valid request (unknown field): the simulator answers with an error and logs both frames.
  socket.send(
    JSON.stringify({
      request: { flow_id: String(100_000 + i), resource: { type: 'sale', amount: 100, note } },
    }),
  );
  await sleep(5);
}
await sleep(2_000);
const after = exited ? Number.NaN : rssMb(child.pid);
console.log(
  JSON.stringify({
    frames,
    frameKb: kb,
    heapCapMb: heapCap || undefined,
    survived: !exited,
    answers,
    rssBeforeMb: Math.round(before),
    rssAfterMb: Math.round(after),
    ratio: Number((after / before).toFixed(2)),
  }),
);
socket.close();
child.kill('SIGKILL');
