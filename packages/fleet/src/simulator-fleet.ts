import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';

export interface SimulatorFleetOptions {
  readonly count: number;
  /** Delay before each simulated event (default 20 ms: load tests want the terminal to be quick). */
  readonly eventDelayMs?: number;
  readonly seed?: number;
  readonly host?: string;
}

export interface SimulatorFleet {
  readonly urls: readonly string[];
  readonly simulators: readonly RunningSimulator[];
  close(): Promise<void>;
}

/** Many simulated terminals in one process, each on its own loopback port chosen by the OS. */
export async function startSimulatorFleet(options: SimulatorFleetOptions): Promise<SimulatorFleet> {
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > 5_000) {
    throw new RangeError(`count must be an integer from 1 to 5000, got ${options.count}`);
  }
  const simulators: RunningSimulator[] = [];
  const close = async () => {
    await Promise.allSettled(simulators.map((s) => s.close()));
  };
  try {
    for (let i = 0; i < options.count; i++) {
      simulators.push(
        await startSimulator({
          host: options.host ?? '127.0.0.1',
          port: 0,
          eventDelayMs: options.eventDelayMs ?? 20,
          seed: (options.seed ?? 1) + i,
        }),
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { urls: simulators.map((s) => s.url), simulators, close };
}
