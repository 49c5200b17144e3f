import type {
  AckMode,
  ConnectionState,
  Diagnostic,
  Journal,
  Session,
  UnclaimedEvent,
} from '@bluechip-ws/core';
import {
  AmountError,
  ENDPOINTS,
  formatSetDateTime,
  type JsonObject,
  OPERATIONS,
  type OperationName,
  type OperationParams,
  REPORT_TYPES,
  REQUEST_TYPES,
  type ReportType,
} from '@bluechip-ws/protocol';
import { distinctUntilChanged, EMPTY, Observable } from 'rxjs';
import { ClientError } from './errors.js';
import { type OperationContext, type OperationOptions, operation, operation$ } from './operation.js';
import type { Progress, TransactionOutcome } from './outcome.js';
import type {
  CardBalanceParams,
  ForceParams,
  MerchantParams,
  PreAuthCompletionParams,
  PreAuthParams,
  RefundParams,
  ReportParams,
  ReprintReceiptParams,
  SaleParams,
  SetDateTimeParams,
  TipAdjustParams,
  VoidParams,
} from './params.js';
import { type ReconcileReport, type Recovery, RecoveryError, type Resolution } from './recovery/index.js';
import type { Telemetry } from './telemetry.js';
import { withRequestAmounts } from './unclaimed.js';
import { toWire } from './wire.js';

export interface TerminalContext {
  readonly nextFlowId: () => string;
  readonly ackMode: AckMode;
  readonly journal?: Journal;
  /** Reconciliation and the idempotency gate (see recovery/); set by `connect`. */
  readonly recovery?: Recovery;
  /** Send sales and refunds of 0 (default false: refused with an `AmountError` before anything is sent). */
  readonly allowZeroAmount?: boolean;
  /** Spans, metrics and flow timelines (telemetry.ts); set by `connect` when there is somewhere to report. */
  readonly telemetry?: Telemetry;
}

const reportTypes: ReadonlySet<string> = new Set(REPORT_TYPES);

/**
 * One method per operation, each in two forms: `sale(params, options)` → Promise of the outcome, and
 * `sale$(params, options)` → Observable of progress. Returned by `connect`.
 */
export class Terminal {
  private readonly context: OperationContext;

  /**
   * Connection states: idle, connecting, open, reconnecting, closed. Replays the current one; `closed` is
   * emitted once per close (not again when `close()` disposes a link that had already closed); completes
   * after `close()`.
   */
  readonly state$: Observable<ConnectionState>;
  /** Results no caller waited for (aborted, timed out, unknown flows): journaled, acked, never dropped. */
  readonly unclaimed$: Observable<UnclaimedEvent>;
  /** Odd or unusable frames from the terminal. */
  readonly diagnostics$: Observable<Diagnostic>;
  /** The report of every reconciliation, automatic runs included (see `reconcile`). */
  readonly reconciled$: Observable<ReconcileReport>;

  constructor(
    /** The core session under this handle: the handle's own (no back door into the core). */
    private readonly session: Session,
    private readonly options: TerminalContext,
  ) {
    this.context = {
      session,
      nextFlowId: options.nextFlowId,
      ackMode: options.ackMode,
      ...(options.recovery === undefined ? {} : { recovery: options.recovery }),
      ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
    };
    this.reconciled$ = options.recovery?.reports$ ?? EMPTY;
    // The connection reports `closed` when the link ends and again when it is disposed: callers see one.
    this.state$ = session.state$.pipe(
      distinctUntilChanged((a, b) => a.kind === 'closed' && b.kind === 'closed'),
    );
    this.unclaimed$ = withRequestAmounts(session.unclaimed$);
    const recovery = options.recovery;
    this.diagnostics$ =
      recovery === undefined ? session.diagnostics$ : both(session.diagnostics$, recovery.diagnostics$);
  }

  /** The journal given to `connect`, if any (the session's default in-memory one is not exposed). */
  get journal(): Journal | undefined {
    return this.options.journal;
  }

  // ── the operation table's operations (protocol's `OPERATIONS`) ─────────────────────────────────────

  /** Any operation of the table by name: `perform('sale', { amount })` is `sale({ amount })`. */
  perform<N extends OperationName>(
    name: N,
    params: OperationParams<N>,
    options?: OperationOptions,
  ): Promise<TransactionOutcome> {
    return operation(this.context, tableOperation(name, params, this.options.allowZeroAmount), options);
  }
  /** Any operation of the table by name, as progress: `perform$('sale', { amount })` is `sale$({ amount })`. */
  perform$<N extends OperationName>(
    name: N,
    params: OperationParams<N>,
    options?: OperationOptions,
  ): Observable<Progress> {
    return operation$(this.context, tableOperation(name, params, this.options.allowZeroAmount), options);
  }

  sale(params: SaleParams, options?: OperationOptions): Promise<TransactionOutcome> {
    return this.perform('sale', params, options);
  }
  sale$(params: SaleParams, options?: OperationOptions): Observable<Progress> {
    return this.perform$('sale', params, options);
  }

  refund(params: RefundParams, options?: OperationOptions): Promise<TransactionOutcome> {
    return this.perform('refund', params, options);
  }
  refund$(params: RefundParams, options?: OperationOptions): Observable<Progress> {
    return this.perform$('refund', params, options);
  }

  void(params: VoidParams, options?: OperationOptions): Promise<TransactionOutcome> {
    return this.perform('void', params, options);
  }
  void$(params: VoidParams, options?: OperationOptions): Observable<Progress> {
    return this.perform$('void', params, options);
  }

  preAuth(params: PreAuthParams, options?: OperationOptions): Promise<TransactionOutcome> {
    return this.perform('preAuth', params, options);
  }
  preAuth$(params: PreAuthParams, options?: OperationOptions): Observable<Progress> {
    return this.perform$('preAuth', params, options);
  }

  preAuthCompletion(
    params: PreAuthCompletionParams,
    options?: OperationOptions,
  ): Promise<TransactionOutcome> {
    return this.perform('preAuthCompletion', params, options);
  }
  preAuthCompletion$(params: PreAuthCompletionParams, options?: OperationOptions): Observable<Progress> {
    return this.perform$('preAuthCompletion', params, options);
  }

  force(params: ForceParams, options?: OperationOptions): Promise<TransactionOutcome> {
    return this.perform('force', params, options);
  }
  force$(params: ForceParams, options?: OperationOptions): Observable<Progress> {
    return this.perform$('force', params, options);
  }

  tipAdjust(params: TipAdjustParams, options?: OperationOptions): Promise<TransactionOutcome> {
    return this.perform('tipAdjust', params, options);
  }
  tipAdjust$(params: TipAdjustParams, options?: OperationOptions): Observable<Progress> {
    return this.perform$('tipAdjust', params, options);
  }

  cardBalance(params: CardBalanceParams = {}, options?: OperationOptions): Promise<TransactionOutcome> {
    return this.perform('cardBalance', params, options);
  }
  cardBalance$(params: CardBalanceParams = {}, options?: OperationOptions): Observable<Progress> {
    return this.perform$('cardBalance', params, options);
  }

  reprintReceipt(params: ReprintReceiptParams = {}, options?: OperationOptions): Promise<TransactionOutcome> {
    return this.perform('reprintReceipt', params, options);
  }
  reprintReceipt$(params: ReprintReceiptParams = {}, options?: OperationOptions): Observable<Progress> {
    return this.perform$('reprintReceipt', params, options);
  }

  recallLastTransaction(
    params: MerchantParams = {},
    options?: OperationOptions,
  ): Promise<TransactionOutcome> {
    return this.perform('recallLastTransaction', params, options);
  }
  recallLastTransaction$(params: MerchantParams = {}, options?: OperationOptions): Observable<Progress> {
    return this.perform$('recallLastTransaction', params, options);
  }

  settlement(params: MerchantParams = {}, options?: OperationOptions): Promise<TransactionOutcome> {
    return this.perform('settlement', params, options);
  }
  settlement$(params: MerchantParams = {}, options?: OperationOptions): Observable<Progress> {
    return this.perform$('settlement', params, options);
  }

  // ── info, config, reports ───────────────────────────────────────────────────────────────────────────

  terminalInfo(options?: OperationOptions): Promise<TransactionOutcome> {
    return operation(this.context, typed(ENDPOINTS.info, 'terminal_info', {}), options);
  }
  terminalInfo$(options?: OperationOptions): Observable<Progress> {
    return operation$(this.context, typed(ENDPOINTS.info, 'terminal_info', {}), options);
  }

  setDateTime(params: SetDateTimeParams = {}, options?: OperationOptions): Promise<TransactionOutcome> {
    return operation(this.context, setDateTime(params), options);
  }
  setDateTime$(params: SetDateTimeParams = {}, options?: OperationOptions): Observable<Progress> {
    return operation$(this.context, setDateTime(params), options);
  }

  report(
    type: ReportType,
    params: ReportParams = {},
    options?: OperationOptions,
  ): Promise<TransactionOutcome> {
    return operation(this.context, report(type, params), options);
  }
  report$(type: ReportType, params: ReportParams = {}, options?: OperationOptions): Observable<Progress> {
    return operation$(this.context, report(type, params), options);
  }

  // ── recovery ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Settles the flows the journal holds open (a crash, a lost link, a timeout): a final result already
   * journaled is recovered as is; transactions are matched against the terminal's `recall_last_transaction`
   * and marked `recovered`, `not_found` (never ran) or `still_unknown` (with what the operator should check).
   * Each verdict is journaled. Runs by itself when `connect` was given a journal; see docs/recovery.md.
   * One run at a time: a call made while one runs gets the next run, shared with the calls made meanwhile.
   */
  reconcile(): Promise<ReconcileReport> {
    const recovery = this.options.recovery;
    if (recovery === undefined) {
      return Promise.reject(new RecoveryError('closed', 'this terminal handle has no recovery'));
    }
    return recovery.reconcile();
  }

  /**
   * Records what the operator found on the terminal for a flow reconciliation left `still_unknown`:
   * `{ verdict: 'recovered', resource }` (the final result, `{ status: 'completed', results: [...] }`) or
   * `{ verdict: 'not_found' | 'failed' }` (no such transaction: its idempotency key may be used again).
   */
  resolveFlow(flowId: string, resolution: Resolution): Promise<void> {
    const recovery = this.options.recovery;
    if (recovery === undefined) {
      return Promise.reject(new RecoveryError('closed', 'this terminal handle has no recovery'));
    }
    return recovery.resolve(flowId, resolution);
  }

  // ── anything else ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends `resource` as is to `endpoint` ('/tsi/v1/payment' or 'payment'), without validation: for types
   * and parameters this library does not model. Amounts are not checked either.
   */
  raw(endpoint: string, resource: JsonObject, options?: OperationOptions): Promise<TransactionOutcome> {
    return operation(this.context, { endpoint, build: () => resource, validate: false }, options);
  }
  raw$(endpoint: string, resource: JsonObject, options?: OperationOptions): Observable<Progress> {
    return operation$(this.context, { endpoint, build: () => resource, validate: false }, options);
  }

  /**
   * Ends every flow (those in flight fail with `session_closed`, outcome unknown where a request went out)
   * and closes the link. The journal given to `connect` stays open: it is the caller's.
   */
  close(): void {
    this.options.recovery?.close();
    this.session.close();
    this.options.telemetry?.close();
  }
}

function typed(endpoint: string, type: string, params: object) {
  return { endpoint, validate: true, build: (): JsonObject => ({ type, ...toWire(params) }) };
}

/** The request of an operation row: its type, on its endpoint, with a zero amount refused where the row says. */
function tableOperation(name: OperationName, params: object, allowZero = false) {
  const type = OPERATIONS[name].type;
  const row = REQUEST_TYPES[type];
  const spec = typed(ENDPOINTS[row.endpoint], type, params);
  if (allowZero || !('refusesZeroAmount' in row)) return spec;
  return {
    ...spec,
    build: (): JsonObject => {
      const resource = spec.build();
      if (resource.amount === 0) {
        throw new AmountError(
          'zero',
          `amount: a ${type} of 0 is refused before sending (connect({ allowZeroAmount: true }) allows it)`,
          0,
        );
      }
      return resource;
    },
  };
}

function setDateTime(params: SetDateTimeParams) {
  return {
    endpoint: ENDPOINTS.config,
    validate: true,
    build: (): JsonObject => {
      const at = params.at ?? new Date();
      if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
        throw new ClientError('invalid_params', `setDateTime: "at" must be a valid Date`);
      }
      return { type: 'set_date_time', ...formatSetDateTime(at, { utc: params.utc === true }) };
    },
  };
}

function report(type: ReportType, params: ReportParams) {
  return {
    endpoint: ENDPOINTS.reports,
    validate: true,
    build: (): JsonObject => {
      if (!reportTypes.has(type)) {
        throw new ClientError(
          'invalid_params',
          `unknown report type ${JSON.stringify(type)}; one of ${REPORT_TYPES.join(', ')}`,
        );
      }
      return { type, ...toWire(params) };
    },
  };
}

/**
 * Values of two streams as they come, completing when both have (RxJS `merge` for two, without the ~1 KB
 * of merge machinery it adds to a browser bundle).
 */
function both<T>(a: Observable<T>, b: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let open = 2;
    const observer = {
      next: (value: T) => subscriber.next(value),
      error: (error: unknown) => subscriber.error(error),
      complete: () => {
        if (--open === 0) subscriber.complete();
      },
    };
    const first = a.subscribe(observer);
    const second = b.subscribe(observer);
    return () => {
      first.unsubscribe();
      second.unsubscribe();
    };
  });
}
