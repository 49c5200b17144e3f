// For `node --cpu-prof benchmarks/profile-lifecycle.mjs [flows]`: whole flows (request → started → final
// event → ack) over the synchronous link, one at a time: the session's per-flow cost without a socket.
import { Session } from '@bluechip-ws/core';
import { responseFrame, SALE_REQUEST, saleEvent } from './lib/frames.mjs';
import { SyncTransport } from './lib/sync-link.mjs';

const flows = Number(process.argv[2] ?? 100_000);
const transport = new SyncTransport();
const session = new Session(transport, { maxInFlight: 1 });
const quiet = { next() {}, error() {}, complete() {} };
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < flows; i++) {
  const id = String(1_000_000 + i);
  session.flow('payment', SALE_REQUEST, { flowId: id }).subscribe(quiet);
  const link = transport.link();
  link.push(responseFrame(id));
  link.push(saleEvent(id));
}
const elapsed = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  `${flows} flows: ${((elapsed * 1e3) / flows).toFixed(1)} µs/flow wall, ${((cpu.user + cpu.system) / flows).toFixed(1)} µs/flow CPU, ${session.openFlows} open`,
);
session.close();
