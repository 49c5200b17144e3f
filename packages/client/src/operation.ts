import {
  type AckMode,
  FlowError,
  type FlowTimeouts,
  type FlowUpdate,
  GuardedObservable,
  type Session,
} from '@bluechip-ws/core';
import { AmountError, isJsonObject, type JsonObject, validateRequest } from '@bluechip-ws/protocol';
import type { Observable, Subscription } from 'rxjs';
import { ClientError, OperationAbortedError } from './errors.js';
import { type Progress, type TransactionOutcome, toProgress } from './outcome.js';
import type { Admission, FlowTracker, Recovery } from './recovery/index.js';

/** Per-call options of every operation, in both forms. */
export interface OperationOptions {
  /** Stops waiting. The flow itself goes on: its result is journaled, acked and put on `unclaimed$`. */
  readonly signal?: AbortSignal;
  /** Overrides the terminal's timeouts for this call. */
  readonly timeouts?: Partial<FlowTimeouts>;
  /** Journaled with the request, for idempotent retries (e.g. the POS order id); see `recovery/`. */
  readonly idempotencyKey?: string;
  /** Use this flow id instead of a generated one. */
  readonly flowId?: string;
  /** Overrides the terminal's ack mode for this call. */
  readonly ackMode?: AckMode;
}

/** What one operation sends: built lazily, so amount errors surface through the same typed channel. */
export interface OperationSpec {
  readonly endpoint: string;
  readonly build: () => JsonObject;
  /** Check the resource against the protocol's request codecs (off for `raw`). */
  readonly validate: boolean;
}

export interface OperationContext {
  readonly session: Session;
  readonly nextFlowId: () => string;
  readonly ackMode: AckMode;
  /** The gate every operation passes before it is sent: idempotency keys, reconciliation (see recovery/). */
  readonly recovery?: Recovery;
}

/**
 * The Observable form: cold; each subscription sends one request and emits `started`, any `proceed`, then
 * `final`, and completes once the final event is acked. Errors only with typed errors.
 */
export function operation$(
  context: OperationContext,
  spec: OperationSpec,
  options: OperationOptions = {},
): Observable<Progress> {
  return new GuardedObservable<Progress>((subscriber) => {
    let flowId: string;
    try {
      flowId = options.flowId ?? context.nextFlowId();
    } catch (error) {
      subscriber.error(error);
      return;
    }
    const signal = options.signal;
    if (signal?.aborted) {
      subscriber.error(new OperationAbortedError(flowId, false, { cause: signal.reason }));
      return;
    }
    let resource: JsonObject;
    let type: string;
    try {
      resource = spec.build();
      type = checkResource(resource, spec.validate, flowId);
    } catch (error) {
      subscriber.error(asTypedError(error, flowId));
      return;
    }
    let upstream: Subscription | undefined;
    let tracker: FlowTracker | undefined;
    let stopped = false;
    // A request goes out only on an open link: until one opened, an abort leaves nothing sent.
    let linkOpened = false;
    let stateWatch: Subscription | undefined;
    const send = (admitted?: FlowTracker) => {
      tracker = admitted;
      stateWatch = context.session.state$.subscribe((state) => {
        if (state.kind === 'open') linkOpened = true;
      });
      upstream = context.session
        .flow(spec.endpoint, resource, {
          flowId,
          ...(options.ackMode === undefined ? {} : { ackMode: options.ackMode }),
          ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
          ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
        })
        .subscribe({
          next: (update: FlowUpdate) => {
            const progress = toProgress(update, type, resource);
            tracker?.progress(progress);
            subscriber.next(progress);
          },
          error: (error: unknown) => {
            tracker?.end('error', error);
            subscriber.error(error);
          },
          complete: () => {
            tracker?.end('complete');
            subscriber.complete();
          },
        });
    };
    if (context.recovery === undefined) send();
    else {
      // Recovery may reconcile first, answer from the journal (idempotency key) or refuse.
      const key = options.idempotencyKey;
      const proceed = (admission: Admission) => {
        if (stopped) {
          if (admission.kind === 'send') admission.tracker.end('complete');
        } else if (admission.kind === 'send') send(admission.tracker);
        else if (admission.kind === 'refuse') subscriber.error(admission.error);
        else {
          const outcome = admission.outcome;
          subscriber.next({ type: 'final', flowId: outcome.flowId, outcome, ack: outcome.ack });
          subscriber.complete();
        }
      };
      const admission = context.recovery.admit({
        flowId,
        type,
        ...(key === undefined ? {} : { idempotencyKey: key }),
      });
      if (admission instanceof Promise) {
        // Whatever goes wrong in admission or in the caller's handlers ends this operation with a typed
        // error, never as an unhandled rejection.
        admission.then(proceed).catch((error: unknown) => {
          if (!subscriber.closed) subscriber.error(asTypedError(error, flowId, 'could not admit'));
        });
      } else proceed(admission);
    }
    const onAbort = () => {
      // Unsubscribing hands the flow to the session's unclaimed path; only our waiting ends here.
      const sent = upstream !== undefined && linkOpened;
      stop();
      subscriber.error(new OperationAbortedError(flowId, sent, { cause: signal?.reason }));
    };
    const stop = () => {
      stopped = true;
      signal?.removeEventListener('abort', onAbort);
      stateWatch?.unsubscribe();
      upstream?.unsubscribe();
      tracker?.end('detached');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    return stop;
  });
}

/**
 * The Promise form: resolves with the outcome when the final event arrives (business outcomes included),
 * rejects with a typed error when there is none. `proceed` events are acked as they come, whatever the ack
 * mode: only the final result is the caller's to accept.
 */
export function operation(
  context: OperationContext,
  spec: OperationSpec,
  options: OperationOptions = {},
): Promise<TransactionOutcome> {
  let flowId: string;
  try {
    // No unused id (a generator that keeps repeating ids the journal knows): a typed rejection, not a throw.
    flowId = options.flowId ?? context.nextFlowId();
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<TransactionOutcome>((resolve, reject) => {
    let outcome: TransactionOutcome | undefined;
    operation$(context, spec, { ...options, flowId }).subscribe({
      next: (progress) => {
        if (progress.type === 'final') {
          outcome = progress.outcome;
          resolve(progress.outcome);
        } else if (progress.type === 'proceed') {
          progress.ack();
        }
      },
      error: reject,
      complete: () => {
        if (outcome === undefined) {
          reject(new FlowError('bad_response', 'the flow ended without a final event', flowId, true));
        }
      },
    });
  });
}

function checkResource(resource: JsonObject, validate: boolean, flowId: string): string {
  if (!isJsonObject(resource)) {
    throw new FlowError('invalid_request', 'resource must be a JSON object', flowId, false);
  }
  if (validate) {
    const checked = validateRequest(resource);
    if (checked._tag === 'Left') {
      throw new FlowError('invalid_request', `invalid request: ${checked.left.message}`, flowId, false, {
        cause: checked.left,
      });
    }
  }
  const type = resource.type;
  return typeof type === 'string' ? type : typeof resource.action === 'string' ? 'trace' : 'unknown';
}

function asTypedError(error: unknown, flowId: string, what = 'could not build'): Error {
  if (error instanceof AmountError || error instanceof FlowError || error instanceof ClientError)
    return error;
  return new ClientError(
    'invalid_params',
    `${what} request ${flowId}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}
