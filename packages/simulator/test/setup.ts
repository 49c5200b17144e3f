import { afterEach } from 'vitest';
import { type RunningSimulator, type SimulatorServerOptions, startSimulator } from '../src/index.js';
import { RawClient } from './raw-client.js';

/** One simulator per test on 127.0.0.1:0, and raw clients; all closed after each test. */
export function useSimulator() {
  let sim: RunningSimulator | undefined;
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.terminate();
    await sim?.close();
    sim = undefined;
  });
  return {
    async start(options: SimulatorServerOptions = {}): Promise<RunningSimulator> {
      sim = await startSimulator({ port: 0, eventDelayMs: 10, ...options });
      return sim;
    },
    async connect(path = '/tsi/v1/payment'): Promise<RawClient> {
      if (sim === undefined) throw new Error('start the simulator first');
      const client = await RawClient.connect(`${sim.url}${path}`);
      clients.push(client);
      return client;
    },
    get sim(): RunningSimulator {
      if (sim === undefined) throw new Error('start the simulator first');
      return sim;
    },
  };
}
