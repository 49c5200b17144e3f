import { type Journal, MemoryJournal } from '@bluechip-ws/core';
import { type AttachedSimulator, attachSimulator, type EngineOptions } from '@bluechip-ws/simulator';
import { createMemoryNetwork, type MemoryNetwork } from '@bluechip-ws/transport-memory';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { onTestFinished } from 'vitest';
import { type ConnectOptions, connect, type Terminal } from '../src/index.js';

/** Wall-clock origin of virtual time: POS and terminal clocks both read BASE + scheduler.now(). */
export const BASE = Date.UTC(2026, 10, 27, 12, 0, 0);

/**
 * Runs virtual time until `promise` settles: microtasks first (recovery awaits the journal between
 * scheduler actions), then the actions of the next instant only, so async steps never see time jump past
 * them. Throws if nothing is scheduled and the promise can no longer settle, or after `maxSteps`.
 */
export async function runUntil<T>(
  scheduler: VirtualTimeScheduler,
  promise: Promise<T>,
  maxSteps = 200_000,
): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let step = 0; !done; step++) {
    if (step > maxSteps) throw new Error(`runUntil: still pending after ${maxSteps} steps`);
    for (let i = 0; i < 30 && !done; i++) await null;
    if (done) break;
    const next = scheduler.actions[0];
    if (next === undefined) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!done && scheduler.actions.length === 0)
        throw new Error('runUntil: nothing scheduled, promise pending');
      continue;
    }
    scheduler.maxFrames = next.delay;
    scheduler.flush();
  }
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
  return promise;
}

export interface Rig {
  readonly scheduler: VirtualTimeScheduler;
  readonly network: MemoryNetwork;
  readonly sim: AttachedSimulator;
  readonly journal: Journal;
  /** Request resources the simulator received, in order. */
  readonly requests: Record<string, unknown>[];
  /** A terminal handle on the rig's network, journal and clock. */
  terminal(options?: Omit<ConnectOptions, 'transport' | 'url' | 'scheduler' | 'now'>): Terminal;
  run<T>(promise: Promise<T>): Promise<T>;
  /** Runs virtual time `ms` forward (microtasks drained between instants). */
  advance(ms: number): Promise<void>;
  close(): void;
}

/** Simulator, in-memory network and terminals on one virtual-time scheduler and one clock. */
export function rig(simulator: EngineOptions = {}, journal: Journal = new MemoryJournal()): Rig {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const network = createMemoryNetwork({ scheduler });
  const sim = attachSimulator(network.server, {
    scheduler,
    now: () => new Date(BASE + scheduler.now()),
    eventDelayMs: 300,
    ...simulator,
  });
  const requests: Record<string, unknown>[] = [];
  sim.frames$.subscribe((record) => {
    if (record.direction !== 'in') return;
    try {
      const parsed = JSON.parse(record.text) as { request?: { resource: Record<string, unknown> } };
      if (parsed.request) requests.push(parsed.request.resource);
    } catch {
      // a corrupted frame: the simulator reports it, nothing to record
    }
  });
  const terminals: Terminal[] = [];
  let counter = 0;
  const r: Rig = {
    scheduler,
    network,
    sim,
    journal,
    requests,
    terminal(options = {}) {
      const terminal = connect({
        transport: network.transport,
        scheduler,
        journal,
        now: () => BASE + scheduler.now(),
        flowIds: () => `f${++counter}`,
        ...options,
      });
      terminals.push(terminal);
      return terminal;
    },
    run: (promise) => runUntil(scheduler, promise),
    async advance(ms) {
      const until = scheduler.now() + ms;
      await runUntil(scheduler, new Promise<void>((resolve) => scheduler.schedule(() => resolve(), ms)));
      if (scheduler.now() < until) throw new Error('advance: time did not reach its target');
    },
    close() {
      for (const terminal of terminals) terminal.close();
      sim.close();
      scheduler.flush();
    },
  };
  return r;
}

/** Sale amounts the simulator's amount table does not treat specially. */
export const PLAIN = 1_234;

/** A `rig` closed when the current test ends. */
export function testRig(...args: Parameters<typeof rig>): Rig {
  const r = rig(...args);
  onTestFinished(() => r.close());
  return r;
}
