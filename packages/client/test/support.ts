import { attachSimulator, type EngineOptions } from '@bluechip-ws/simulator';
import { createMemoryNetwork } from '@bluechip-ws/transport-memory';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { onTestFinished } from 'vitest';
import { type ConnectOptions, connect, type Terminal } from '../src/index.js';

/**
 * A terminal handle wired to the simulator over the in-memory network, everything on one virtual-time
 * scheduler: `settle(promise)` runs virtual time to quiescence, then awaits.
 */
export function memoryTerminal(
  simulator: EngineOptions = {},
  client: Omit<ConnectOptions, 'transport' | 'url' | 'scheduler'> = {},
) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const network = createMemoryNetwork({ scheduler });
  const sim = attachSimulator(network.server, { scheduler, ...simulator });
  const requests: Record<string, unknown>[] = [];
  sim.frames$.subscribe((record) => {
    if (record.direction !== 'in') return;
    const parsed = JSON.parse(record.text) as { request?: { resource: Record<string, unknown> } };
    if (parsed.request) requests.push(parsed.request.resource);
  });
  const terminal: Terminal = connect({ transport: network.transport, scheduler, ...client });
  return {
    scheduler,
    network,
    sim,
    terminal,
    /** Request resources the simulator received, in order. */
    requests,
    async settle<T>(promise: Promise<T>): Promise<T> {
      // Recovery may await the journal (a microtask) before a flow starts: flush again until it settles.
      let done = false;
      promise.then(
        () => (done = true),
        () => (done = true),
      );
      for (let round = 0; round < 100 && !done; round++) {
        scheduler.flush();
        await new Promise((resolve) => setImmediate(resolve));
      }
      return promise;
    },
    /** Runs virtual time up to `ms` from now. */
    advance(ms: number): void {
      scheduler.maxFrames = scheduler.now() + ms;
      scheduler.flush();
      scheduler.maxFrames = Number.POSITIVE_INFINITY;
    },
    close(): void {
      terminal.close();
      sim.close();
      scheduler.flush();
    },
  };
}

/** A `memoryTerminal` closed when the current test ends. */
export function testTerminal(...args: Parameters<typeof memoryTerminal>): ReturnType<typeof memoryTerminal> {
  const harness = memoryTerminal(...args);
  onTestFinished(() => harness.close());
  return harness;
}
