/** Node-only parts of the fleet: the agent, its config, NATS options from files, the simulated fleet. */
export { Agent, type AgentOptions, SubscriptionRefusedError } from './agent.js';
export { AgentMetrics, type AgentObserver, type AgentReadings } from './agent-metrics.js';
export {
  type AgentConfig,
  ConfigError,
  loadAgentConfig,
  type MetricsSettings,
  type NatsSettings,
  parseAgentConfig,
  type TerminalSettings,
} from './config.js';
export * from './index.js';
export {
  type MetricsServer,
  type MetricsServerOptions,
  type MetricsSource,
  startMetricsServer,
} from './metrics-server.js';
export { natsConnectOptions } from './nats-options.js';
export { type SimulatorFleet, type SimulatorFleetOptions, startSimulatorFleet } from './simulator-fleet.js';
