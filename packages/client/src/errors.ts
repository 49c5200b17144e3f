/**
 * Errors the client adds to the core's `FlowError` family. Every rejection of a client operation is one of:
 * `FlowError` (and its subclasses `FlowRefusedError`, `FlowTimeoutError`), `AmountError`, `ClientError` or
 * `OperationAbortedError`.
 */
import { CodedError } from '@bluechip-ws/protocol';

export type ClientErrorCode = 'invalid_options' | 'invalid_params';

/** Bad input to `connect` or to an operation, found before anything is sent. */
export class ClientError extends CodedError<ClientErrorCode> {
  override readonly name = 'ClientError';
}

/**
 * The caller's `AbortSignal` fired. Only the waiting stopped: if the request had gone out, the terminal may
 * still complete it, and its result arrives on `terminal.unclaimed$` (journaled and acked by the session).
 * `name` is 'AbortError', as for `fetch`, so `err.name === 'AbortError'` checks work.
 */
export class OperationAbortedError extends CodedError<'aborted'> {
  override readonly name = 'AbortError';
  /** True once the request may have reached the terminal: reconcile before retrying. */
  readonly outcomeUnknown: boolean;
  constructor(
    readonly flowId: string,
    options: { readonly outcomeUnknown: boolean; readonly cause?: unknown },
  ) {
    super(
      'aborted',
      options.outcomeUnknown
        ? `operation ${flowId} aborted while in flight; its result, if any, goes to unclaimed$`
        : `operation ${flowId} aborted before it was sent`,
      Object.hasOwn(options, 'cause') ? { cause: options.cause } : undefined,
    );
    this.outcomeUnknown = options.outcomeUnknown;
  }
}
