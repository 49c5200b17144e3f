export { Bridge, BridgeConnection, type BridgeLogger, type BridgeOptions, type Peer } from './bridge.js';
export { actionFor, BridgeError, type BridgeErrorCode, toRpcError } from './errors.js';
export {
  classify,
  failure,
  type Incoming,
  notification,
  RPC_CODES,
  type RpcErrorObject,
  type RpcId,
  type RpcNotification,
  type RpcRequest,
  type RpcResponse,
  success,
} from './jsonrpc.js';
export {
  type CallContext,
  METHODS,
  type MethodSpec,
  methodTable,
  NOTIFICATIONS,
  type NotificationSpec,
} from './methods.js';
export { BRIDGE_VERSION, ERROR_DATA_SCHEMA, errorTable, openRpcDocument } from './openrpc.js';
export { type Json, jsonSafe, outcomeJson } from './outcome-json.js';
export { annotate, described } from './schema/annotate.js';
export { decodeParams } from './schema/decode.js';
export { type JsonSchema, toJsonSchema } from './schema/json-schema.js';
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
