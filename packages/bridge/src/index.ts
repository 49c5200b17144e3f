/**
 * The public entry (no `node:` imports): the dispatcher, its errors and JSON-RPC types, the method table and
 * its codecs, the OpenRPC document. The message helpers, the error mapping and the schema machinery are in
 * `@bluechip-ws/bridge/internal`, with no stability promise; Node carriers and hooks in `@bluechip-ws/bridge/node`.
 */

export { Bridge, BridgeConnection, type BridgeLogger, type BridgeOptions, type Peer } from './bridge.js';
export { BridgeError, type BridgeErrorCode } from './errors.js';
export {
  RPC_CODES,
  type RpcErrorObject,
  type RpcId,
  type RpcNotification,
  type RpcRequest,
  type RpcResponse,
} from './jsonrpc.js';
export {
  type CallContext,
  METHODS,
  type MethodSpec,
  NOTIFICATIONS,
  type NotificationSpec,
} from './methods.js';
export { BRIDGE_VERSION, openRpcDocument } from './openrpc.js';
export type { Json } from './outcome-json.js';
export * as params from './schema/params.js';
export * as results from './schema/results.js';
export {
  type BridgeHooks,
  type Broadcast,
  type OpenTerminal,
  type SimulatorCustomer,
  type SimulatorSpec,
  type StartedSimulator,
  TerminalRegistry,
} from './terminals.js';
