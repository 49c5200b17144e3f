/**
 * Everything `@bluechip-ws/bridge` exports, plus its building blocks, for sibling packages (console, fleet)
 * and tests. Browser-safe like the main entry. No stability promise.
 */

export { actionFor, toRpcError } from './errors.js';
export * from './index.js';
export { classify, failure, type Incoming, notification, success } from './jsonrpc.js';
export { methodTable } from './methods.js';
export { ERROR_DATA_SCHEMA, errorTable } from './openrpc.js';
export { jsonSafe, outcomeJson } from './outcome-json.js';
export { annotate, described } from './schema/annotate.js';
export { decodeParams } from './schema/decode.js';
export { type JsonSchema, toJsonSchema } from './schema/json-schema.js';
