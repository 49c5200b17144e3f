import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { Agent, type AgentConfig, type AgentOptions, parseAgentConfig } from '../src/node.js';
import type { OutcomeRecord } from '../src/outcome-store.js';

export { hasNatsServer } from './nats-server.js';

export function natsClient(url: string | string[]): Promise<NatsConnection> {
  return connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 200, name: 'test' });
}

/** Every record in the outcome stream, in order. */
export async function streamRecords(
  nc: NatsConnection,
  stream = 'BLUECHIP_OUTCOMES',
): Promise<OutcomeRecord[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(stream);
  const out: OutcomeRecord[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq });
    if (msg !== null) out.push(msg.json<OutcomeRecord>());
  }
  return out;
}

/** Polls until `probe` yields a value (bounded); the last error or undefined when it never does. */
export async function eventually<T>(
  probe: () => Promise<T | null | undefined>,
  tries = 100,
  everyMs = 100,
): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`gave up after ${tries} tries${last === undefined ? '' : `: ${(last as Error).message}`}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const quietLogger = { log: () => undefined };

/** An in-process agent with built-in simulators (memory journals unless a terminal names one). */
export function startAgent(
  url: string | string[],
  config: Partial<AgentConfig> & { terminals: unknown[] },
  name = 'agent',
  options: Omit<AgentOptions, 'logger'> = {},
): Promise<Agent> {
  const parsed = parseAgentConfig({
    site: 'store1',
    ...config,
    nats: { servers: url, name, ...(config.nats ?? {}) },
  });
  return Agent.start(parsed, { logger: quietLogger, ...options });
}

export const simulated = (id: string, eventDelayMs = 20) => ({ id, simulator: { eventDelayMs } });
