// The simulator in a child process of its own (bridge.bench.mjs starts one per client under test, since a
// terminal serves one client): events without delay, the port sent to the parent, stopped on "stop".
import { startSimulator } from '@bluechip-ws/simulator';

const simulator = await startSimulator({ port: 0, eventDelayMs: 0 });
process.send?.({ url: simulator.url });
process.on('message', async (message) => {
  if (message === 'stop') {
    await simulator.close();
    process.exit(0);
  }
});
