// For `node --cpu-prof benchmarks/profile-e2e.mjs [flows] [inFlight] [session|raw]` (env: JOURNAL=none, VALIDATE=0): the session over createWsTransport
// against the raw terminal, so a CPU profile shows the client's per-flow cost. Not part of `pnpm bench`.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Session } from '@bluechip-ws/core';
import { createWsTransport } from '@bluechip-ws/transport-ws';
import { lastValueFrom } from 'rxjs';
import { SALE_REQUEST } from './lib/frames.mjs';
import { nullJournal } from './lib/null-journal.mjs';
import { RawClient } from './lib/raw-client.mjs';

const flows = Number(process.argv[2] ?? 10_000);
const inFlight = Number(process.argv[3] ?? 1);
const kind = process.argv[4] ?? 'session';
const terminal = fork(fileURLToPath(new URL('./lib/raw-terminal.mjs', import.meta.url)), [], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const [{ port }] = await once(terminal, 'message');
const url = `ws://127.0.0.1:${port}`;
const session =
  kind === 'raw'
    ? await RawClient.connect(`${url}/tsi/v1/payment`)
    : new Session(createWsTransport({ url }), {
        maxInFlight: inFlight,
        reconnect: false,
        // Experiments: JOURNAL=none (a journal that keeps nothing), VALIDATE=0 (no request validation).
        ...(process.env.JOURNAL === 'none' ? { journal: nullJournal } : {}),
        ...(process.env.VALIDATE === '0' ? { validate: false } : {}),
      });
const sale = () =>
  kind === 'raw' ? session.sale(SALE_REQUEST) : lastValueFrom(session.flow('payment', SALE_REQUEST));
let started = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const worker = async () => {
  while (started < flows) {
    started++;
    await sale();
  }
};
await Promise.all(Array.from({ length: inFlight }, worker));
const elapsed = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  `${kind}: ${flows} flows, ${inFlight} in flight: ${((flows * 1000) / elapsed).toFixed(0)} flows/s, client CPU ${((cpu.user + cpu.system) / flows).toFixed(0)} µs/flow (user ${(cpu.user / flows).toFixed(0)}, system ${(cpu.system / flows).toFixed(0)})`,
);
if (kind === 'raw') session.close();
else session.close();
terminal.send('stop');
