/**
 * JSON-RPC 2.0 message shapes and the one function that sorts an incoming value into them. Pure: no I/O.
 */

export type RpcId = string | number | null;

export interface RpcRequest {
  readonly jsonrpc: '2.0';
  readonly id?: RpcId;
  readonly method: string;
  readonly params?: unknown;
}

export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export type RpcResponse =
  | { readonly jsonrpc: '2.0'; readonly id: RpcId; readonly result: unknown }
  | { readonly jsonrpc: '2.0'; readonly id: RpcId; readonly error: RpcErrorObject };

export interface RpcNotification {
  readonly jsonrpc: '2.0';
  readonly method: string;
  readonly params: unknown;
}

/** Codes of the JSON-RPC spec, LSP's cancellation code, and the bridge's own (-32000…-32099). */
export const RPC_CODES = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** LSP's RequestCancelled: the caller sent `$/cancelRequest`. */
  requestCancelled: -32800,
  /** The terminal, or the bridge's queue, is busy: nothing was sent; retry later. */
  terminalBusy: -32001,
  /** The request may have reached the terminal and no final answer is known: reconcile, never resend blind. */
  outcomeUnknown: -32002,
  /** The terminal refused the request (not busy): nothing ran. */
  refused: -32003,
  /** The terminal could not be reached: nothing was sent. */
  unreachable: -32004,
  /** An earlier flow's outcome is still unknown, so new transactions are held back. */
  recoveryPending: -32005,
  /** No terminal with this id is open on the bridge. */
  unknownTerminal: -32006,
  /** The journal failed (write, read, locked by another process). */
  journalFailed: -32007,
  /** The terminal handle or the bridge is closing or closed. */
  closed: -32008,
  /** A protocol-level problem with the terminal's answers. */
  terminalError: -32009,
} as const;

/** A message the peer sent, sorted. `invalid` carries the id when one could be read (else null). */
export type Incoming =
  | { readonly kind: 'request'; readonly request: RpcRequest & { readonly id: RpcId } }
  | { readonly kind: 'notification'; readonly request: RpcRequest }
  | { readonly kind: 'response'; readonly id: RpcId }
  | { readonly kind: 'invalid'; readonly id: RpcId; readonly message: string };

const isId = (value: unknown): value is RpcId =>
  value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

/** The id of a message, when it has a valid one of its own (to answer a message refused before `classify`). */
export function readableId(value: unknown): RpcId {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, 'id'))
    return null;
  const id = (value as { id?: unknown }).id;
  return isId(id) ? id : null;
}

/** Whether a message is a notification (a method and no id): refused or not, it gets no answer. */
export function isNotification(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.hasOwn(value, 'method') &&
    !Object.hasOwn(value, 'id')
  );
}

/** Sorts one element of a message (a batch is split by the caller). Never throws. */
export function classify(value: unknown): Incoming {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', id: null, message: 'a JSON-RPC message must be a JSON object' };
  }
  // Own members only: a missing `params` must not find one on Object.prototype.
  const own = (key: string): unknown =>
    Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  const hasId = Object.hasOwn(value, 'id');
  const rawId = own('id');
  const id = hasId && isId(rawId) ? rawId : null;
  if (hasId && !isId(rawId)) {
    return { kind: 'invalid', id: null, message: '"id" must be a string, a number or null' };
  }
  if (own('jsonrpc') !== '2.0') return { kind: 'invalid', id, message: '"jsonrpc" must be "2.0"' };
  if (!Object.hasOwn(value, 'method')) {
    if (Object.hasOwn(value, 'result') || Object.hasOwn(value, 'error')) return { kind: 'response', id };
    return { kind: 'invalid', id, message: '"method" is missing' };
  }
  const method = own('method');
  if (typeof method !== 'string') return { kind: 'invalid', id, message: '"method" must be a string' };
  const params = own('params');
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    return { kind: 'invalid', id, message: '"params" must be an object or an array' };
  }
  const request: RpcRequest = {
    jsonrpc: '2.0',
    method,
    ...(params === undefined ? {} : { params }),
    ...(hasId ? { id } : {}),
  };
  return hasId ? { kind: 'request', request: { ...request, id } } : { kind: 'notification', request };
}

export function success(id: RpcId, result: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, result: result === undefined ? null : result };
}

export function failure(id: RpcId, error: RpcErrorObject): RpcResponse {
  return { jsonrpc: '2.0', id, error };
}

export function notification(method: string, params: unknown): RpcNotification {
  return { jsonrpc: '2.0', method, params };
}
