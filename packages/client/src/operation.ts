import { type AckMode, FlowError, type FlowTimeouts, type FlowUpdate, type Session } from '@bluechip-ws/core';
import { GuardedObservable } from '@bluechip-ws/core/internal';
import { AmountError, isJsonObject, type JsonObject, validateRequest } from '@bluechip-ws/protocol';
import type { Observable, Subscriber, Subscription } from 'rxjs';
import { ClientError, OperationAbortedError } from './errors.js';
import { checkIdempotencyKey, IdempotencyKeyError } from './idempotency-key.js';
import { type Progress, type TransactionOutcome, toProgress } from './outcome.js';
import type { Admission, FlowTracker, Recovery } from './recovery/index.js';
import type { FlowWatch, Telemetry } from './telemetry.js';

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
  /** Spans, metrics and timelines of each run, when an SDK or a listener is there (see telemetry.ts). */
  readonly telemetry?: Telemetry;
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
    const prepared = prepare(context, spec, options);
    if ('error' in prepared) {
      subscriber.error(prepared.error);
      return;
    }
    const watch = context.telemetry?.watch(prepared.flowId, prepared.type);
    const run = new OperationRun(context, spec.endpoint, options, prepared, subscriber, watch);
    run.start();
    return () => run.stop();
  });
}

/** A request ready to go: its flow id, its resource and its type. */
interface Prepared {
  readonly flowId: string;
  readonly resource: JsonObject;
  readonly type: string;
}

/** Step 1, nothing sent: the flow id, an abort that came first, and the request resource, checked. */
function prepare(
  context: OperationContext,
  spec: OperationSpec,
  options: OperationOptions,
): Prepared | { readonly error: unknown } {
  let flowId: string;
  try {
    flowId = options.flowId ?? context.nextFlowId();
  } catch (error) {
    return { error };
  }
  const signal = options.signal;
  if (signal?.aborted)
    return { error: new OperationAbortedError(flowId, { outcomeUnknown: false, cause: signal.reason }) };
  try {
    if (options.idempotencyKey !== undefined) checkIdempotencyKey(options.idempotencyKey);
    const resource = spec.build();
    return { flowId, resource, type: checkResource(resource, spec.validate, flowId) };
  } catch (error) {
    return { error: asTypedError(error, flowId) };
  }
}

/**
 * One subscription of an operation, in named steps: `start` (recovery's gate, when there is one, then the
 * abort listener), `onAdmission` (send, refuse, or answer from the journal), `send` (the flow on the session,
 * its updates relayed as progress), `abort`, and `stop`, the one teardown.
 */
class OperationRun {
  private upstream: Subscription | undefined;
  private tracker: FlowTracker | undefined;
  private stateWatch: Subscription | undefined;
  private stopped = false;
  /** A request goes out only on an open link: until one opened, an abort leaves nothing sent. */
  private linkOpened = false;
  private readonly onAbort = () => this.abort();

  constructor(
    private readonly context: OperationContext,
    private readonly endpoint: string,
    private readonly options: OperationOptions,
    private readonly prepared: Prepared,
    private readonly subscriber: Subscriber<Progress>,
    private readonly watch: FlowWatch | undefined,
  ) {}

  start(): void {
    if (this.context.recovery === undefined) this.send();
    else this.admit(this.context.recovery);
    this.options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  stop(): void {
    this.stopped = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.stateWatch?.unsubscribe();
    this.upstream?.unsubscribe();
    this.tracker?.end('detached');
    this.watch?.end();
  }

  /** Recovery may reconcile first, answer from the journal (idempotency key) or refuse. */
  private admit(recovery: Recovery): void {
    const key = this.options.idempotencyKey;
    const admission = recovery.admit({
      flowId: this.prepared.flowId,
      type: this.prepared.type,
      ...(key === undefined ? {} : { idempotencyKey: key }),
    });
    if (admission instanceof Promise) {
      // Whatever goes wrong in admission or in the caller's handlers ends this operation with a typed
      // error, never as an unhandled rejection.
      admission
        .then((verdict) => this.onAdmission(verdict))
        .catch((error: unknown) => {
          if (!this.subscriber.closed) {
            const typed = asTypedError(error, this.prepared.flowId, 'could not admit');
            this.watch?.failed(typed);
            this.subscriber.error(typed);
          }
        });
    } else this.onAdmission(admission);
  }

  private onAdmission(admission: Admission): void {
    if (this.stopped) {
      if (admission.kind === 'send') admission.tracker.end('complete');
    } else if (admission.kind === 'send') this.send(admission.tracker);
    else if (admission.kind === 'refuse') {
      this.watch?.failed(admission.error);
      this.subscriber.error(admission.error);
    } else {
      const outcome = admission.outcome;
      this.watch?.outcome(outcome);
      this.subscriber.next({ type: 'final', flowId: outcome.flowId, outcome, ack: outcome.ack });
      this.subscriber.complete();
    }
  }

  private send(tracker?: FlowTracker): void {
    const { flowId, resource, type } = this.prepared;
    const options = this.options;
    this.tracker = tracker;
    this.stateWatch = this.context.session.state$.subscribe((state) => {
      if (state.kind === 'open') this.linkOpened = true;
    });
    this.upstream = this.context.session
      .flow(this.endpoint, resource, {
        flowId,
        ...(options.ackMode === undefined ? {} : { ackMode: options.ackMode }),
        ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
        ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
      })
      .subscribe({
        next: (update: FlowUpdate) => {
          const progress = toProgress(update, type, resource);
          this.tracker?.progress(progress);
          this.watch?.progress(progress);
          this.subscriber.next(progress);
        },
        error: (error: unknown) => {
          this.tracker?.end('error', error);
          this.watch?.failed(error);
          this.subscriber.error(error);
        },
        complete: () => {
          this.tracker?.end('complete');
          this.subscriber.complete();
        },
      });
  }

  private abort(): void {
    // Unsubscribing hands the flow to the session's unclaimed path; only our waiting ends here.
    const sent = this.upstream !== undefined && this.linkOpened;
    const error = new OperationAbortedError(this.prepared.flowId, {
      outcomeUnknown: sent,
      cause: this.options.signal?.reason,
    });
    this.watch?.failed(error);
    this.stop();
    this.subscriber.error(error);
  }
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
          reject(
            new FlowError('bad_response', 'the flow ended without a final event', {
              flowId,
              outcomeUnknown: true,
            }),
          );
        }
      },
    });
  });
}

function checkResource(resource: JsonObject, validate: boolean, flowId: string): string {
  if (!isJsonObject(resource)) {
    throw new FlowError('invalid_request', 'resource must be a JSON object', {
      flowId,
      outcomeUnknown: false,
    });
  }
  if (validate) {
    const checked = validateRequest(resource);
    if (checked._tag === 'Left') {
      throw new FlowError('invalid_request', `invalid request: ${checked.left.message}`, {
        flowId,
        outcomeUnknown: false,
        cause: checked.left,
      });
    }
  }
  const type = resource.type;
  return typeof type === 'string' ? type : typeof resource.action === 'string' ? 'trace' : 'unknown';
}

function asTypedError(error: unknown, flowId: string, what = 'could not build'): Error {
  if (
    error instanceof AmountError ||
    error instanceof FlowError ||
    error instanceof ClientError ||
    error instanceof IdempotencyKeyError
  )
    return error;
  return new ClientError(
    'invalid_params',
    `${what} request ${flowId}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}
