// Many simulated terminals in one child process (fleet-load.mjs): one loopback port each, chosen by the OS.
// Reads the count and the event delay from argv, sends the URLs to the parent, stops on "stop".
import { startSimulatorFleet } from '@bluechip-ws/fleet/node';

const [count, eventDelayMs] = process.argv.slice(2).map(Number);
const fleet = await startSimulatorFleet({ count, eventDelayMs });
process.send?.({ urls: fleet.urls });
process.on('message', async (message) => {
  if (message === 'stop') {
    await fleet.close();
    process.exit(0);
  }
});
