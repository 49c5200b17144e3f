/** Node-only parts of the fleet: the agent, its config, NATS options from files, the simulated fleet. */
export { Agent, type AgentOptions, SubscriptionRefusedError } from './agent.js';
export {
  type AgentConfig,
  ConfigError,
  loadAgentConfig,
  type NatsSettings,
  parseAgentConfig,
  type TerminalSettings,
} from './config.js';
export * from './index.js';
export { natsConnectOptions } from './nats-options.js';
export { type SimulatorFleet, type SimulatorFleetOptions, startSimulatorFleet } from './simulator-fleet.js';
