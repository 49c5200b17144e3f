/**
 * The public entry. The `simulate` command runner (`bluechip simulate`, `bluechip-simulator`), the bounded
 * console log, the seeded PRNG and the settings resolver are in `@bluechip-ws/simulator/internal`, with no
 * stability promise.
 */

export { type AttachedSimulator, attachSimulator } from './attach.js';
export type { BatchEntry } from './batch.js';
export {
  CUSTOMER_ACTIONS,
  type CustomerAction,
  type CustomerDecision,
  CustomerDesk,
  type CustomerDeskOptions,
  type CustomerPrompt,
  type CustomerScreen,
  type EndScreen,
} from './customer.js';
export {
  BUSY_CLOSE_REASON,
  CLOSE_CODES,
  type DroppableLink,
  type EngineOptions,
  SimulatorEngine,
  type SimulatorSnapshot,
} from './engine.js';
export { SimulatorError, type SimulatorErrorCode } from './errors.js';
export type { FrameRecord, LogEntry, LogKind } from './observe.js';
export {
  AMOUNT_TRIGGERS,
  type AmountTrigger,
  amountTable,
  OUTCOMES,
  type Outcome,
  outcomeForAmount,
  SALE_LIKE_TYPES,
} from './outcomes.js';
export { DEFAULT_SEED, type Random } from './random.js';
export {
  type DisconnectPoint,
  GARBAGE_FRAMES,
  type GarbagePoint,
  loadScenarioFile,
  parseScenario,
  type Scenario,
  type ScenarioMatch,
  type ScenarioRule,
} from './scenario.js';
export {
  type AmountsAs,
  type BatchTotals,
  type ConnectionPolicy,
  DEFAULT_SETTINGS,
  type EndpointMode,
  type FinalStatus,
  type LinkDropPolicy,
  type SettlementShape,
  type SimulatorSettings,
} from './settings.js';
export { WsServerLink } from './ws-link.js';
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  type RunningSimulator,
  type SimulatorServerOptions,
  startSimulator,
} from './ws-server.js';
