import {
  FlowError,
  OperationAbortedError,
  type OperationOptions,
  type Progress,
  type Terminal,
  type TransactionOutcome,
} from '@bluechip-ws/client';
import { OPERATION_NAMES, OPERATIONS, type OperationName } from '@bluechip-ws/protocol';
import type * as t from 'io-ts';
import type { Observable } from 'rxjs';
import { BridgeError, toRpcError } from './errors.js';
import { RPC_CODES, type RpcId } from './jsonrpc.js';
import { flowRecordJson, type Json, outcomeJson, reportJson, resultJson, stateJson } from './outcome-json.js';
import * as P from './schema/params.js';
import * as R from './schema/results.js';
import type { OpenTerminal, SimulatorCustomer, TerminalRegistry } from './terminals.js';

/** What a handler may use besides its params. */
export interface CallContext {
  readonly terminals: TerminalRegistry;
  /** Aborted by `$/cancelRequest`: stops the waiting, never the flow. */
  readonly signal: AbortSignal;
  readonly requestId: RpcId;
  /** Sends a `flow.progress` notification to the caller of this request. */
  progress(params: Json): void;
  /** The OpenRPC document. */
  discover(): Json;
}

/** One method: its name, its params and result codecs (validation and the OpenRPC document), its handler. */
export interface MethodSpec {
  readonly name: string;
  readonly summary: string;
  readonly params: t.Any;
  readonly result: t.Any;
  /** What the result holds, where the codec alone does not say (the operation table's `result`). */
  readonly resultSummary?: string;
  /** Error codes (RPC_CODES) it may answer with besides the standard ones. */
  readonly errors: readonly number[];
  readonly handler: (params: unknown, context: CallContext) => Promise<Json>;
}

export interface NotificationSpec {
  readonly name: string;
  readonly summary: string;
  readonly params: t.Any;
}

function method<C extends t.Any>(spec: {
  name: string;
  summary: string;
  params: C;
  result: t.Any;
  resultSummary?: string;
  errors: readonly number[];
  handler: (params: t.TypeOf<C>, context: CallContext) => Promise<Json>;
}): MethodSpec {
  return spec as MethodSpec;
}

const OPERATION_ERRORS = [
  RPC_CODES.terminalBusy,
  RPC_CODES.outcomeUnknown,
  RPC_CODES.refused,
  RPC_CODES.unreachable,
  RPC_CODES.recoveryPending,
  RPC_CODES.unknownTerminal,
  RPC_CODES.journalFailed,
  RPC_CODES.closed,
  RPC_CODES.terminalError,
  RPC_CODES.requestCancelled,
];

/**
 * Runs one operation through its Observable form: progress becomes `flow.progress` notifications, and the
 * call resolves once the final result is journaled and acked (the Observable completes then), so a caller
 * that hears "approved" can count on it being durable.
 */
async function runOperation<A>(
  params: P.CallParams & A,
  context: CallContext,
  start: (terminal: Terminal, rest: A, options: OperationOptions) => Observable<Progress>,
): Promise<Json> {
  const { terminalId, idempotencyKey, flowId, timeouts, ...own } = params;
  // What is left once the call's parameters are taken out is the operation's own (no row names a call
  // parameter: the table test checks it).
  const rest = own as A;
  const open: OpenTerminal = await context.terminals.ready(terminalId);
  const options: OperationOptions = {
    signal: context.signal,
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    ...(flowId === undefined ? {} : { flowId }),
    ...(timeouts === undefined ? {} : { timeouts }),
  };
  open.inFlight++;
  return new Promise<Json>((resolve, reject) => {
    let outcome: TransactionOutcome | undefined;
    let ended = false;
    const end = () => {
      if (!ended) open.inFlight--;
      ended = true;
    };
    try {
      start(open.terminal, rest, options).subscribe({
        next: (progress) => {
          if (progress.type === 'final') outcome = progress.outcome;
          else context.progress(progressJson(terminalId, context.requestId, progress));
        },
        error: (error: unknown) => {
          end();
          // A cancel that lands after the final result was delivered (and acked) changes nothing: answer it.
          if (outcome !== undefined && error instanceof OperationAbortedError) resolve(outcomeJson(outcome));
          else reject(error);
        },
        complete: () => {
          end();
          if (outcome === undefined) {
            reject(
              new FlowError('bad_response', 'the flow ended without a final event', {
                flowId,
                outcomeUnknown: true,
              }),
            );
          } else resolve(outcomeJson(outcome));
        },
      });
    } catch (error) {
      end();
      reject(error);
    }
  });
}

function progressJson(terminalId: string, requestId: RpcId, progress: Progress): Json {
  const base = { terminalId, requestId: requestId ?? '', flowId: progress.flowId, type: progress.type };
  if (progress.type === 'proceed') {
    return { ...base, status: progress.status, results: progress.results.map(resultJson) };
  }
  return base;
}

function operation<A>(
  name: string,
  summary: string,
  params: t.Type<P.CallParams & A, unknown, unknown>,
  start: (terminal: Terminal, rest: A, options: OperationOptions) => Observable<Progress>,
  resultSummary?: string,
): MethodSpec {
  return method({
    name,
    summary,
    params,
    ...(resultSummary === undefined ? {} : { resultSummary }),
    result: R.OutcomeJsonC,
    errors: OPERATION_ERRORS,
    handler: (p, context) => runOperation(p, context, start),
  });
}

/** The method of an operation of the protocol's table: its row's summary and params, the client's method. */
function tableOperation<N extends OperationName>(name: N): MethodSpec {
  const row = OPERATIONS[name];
  return operation(
    name,
    row.summary,
    P.OPERATION_PARAMS[name],
    (terminal, params, options) => terminal.perform$(name, params, options),
    row.result,
  );
}

export const METHODS: readonly MethodSpec[] = [
  method({
    name: 'terminal.open',
    summary:
      'Opens a terminal handle (a terminal URL, or a simulator the bridge starts on loopback) and returns its id. ' +
      'With journalDir, flows the journal holds open are reconciled first.',
    params: P.OpenParamsC,
    result: R.OpenResultC,
    errors: [RPC_CODES.journalFailed, RPC_CODES.unreachable, RPC_CODES.closed],
    handler: async (params, context) => {
      const { entry, reconcile } = await context.terminals.open(params);
      const base = { terminalId: entry.id, url: entry.url, journal: entry.journalKind };
      if (!reconcile) return base;
      try {
        return { ...base, reconciled: reportJson(await entry.terminal.reconcile()) };
      } catch (error) {
        return { ...base, reconcileError: toRpcError(error) as unknown as Json };
      }
    },
  }),
  method({
    name: 'terminal.close',
    summary:
      'Closes a terminal handle: operations still waiting fail (closed); its journal is flushed and closed.',
    params: P.TerminalRefC,
    result: R.ClosedResultC,
    errors: [RPC_CODES.unknownTerminal],
    handler: async (params, context) => {
      await context.terminals.close(params.terminalId);
      return { terminalId: params.terminalId, closed: true };
    },
  }),
  method({
    name: 'terminal.status',
    summary: 'Connection state, operations in flight and flows the journal holds open.',
    params: P.TerminalRefC,
    result: R.StatusResultC,
    errors: [RPC_CODES.unknownTerminal, RPC_CODES.journalFailed],
    handler: async (params, context) => {
      const open = await context.terminals.ready(params.terminalId);
      const state = await new Promise<Json>((resolve) => {
        open.terminal.state$.subscribe((s) => resolve(stateJson(s))).unsubscribe();
      });
      const openFlows = (await open.journal.openFlows()).length;
      return { terminalId: open.id, url: open.url, state, inFlight: open.inFlight, openFlows };
    },
  }),
  ...OPERATION_NAMES.map(tableOperation),
  operation('terminalInfo', 'Terminal information.', P.TerminalInfoParamsC, (t, _p, o) => t.terminalInfo$(o)),
  operation('setDateTime', "Sets the terminal's clock.", P.SetDateTimeParamsC, (t, p, o) => {
    const { at, utc } = p as { at?: string; utc?: boolean };
    const date = at === undefined ? new Date() : new Date(at);
    if (at !== undefined && (Number.isNaN(date.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(at))) {
      throw new BridgeError(
        'invalid_params',
        `params.at: expected an ISO 8601 date-time, got ${JSON.stringify(at)}`,
        {
          path: 'params.at',
        },
      );
    }
    return t.setDateTime$({ at: date, ...(utc === undefined ? {} : { utc }) }, o);
  }),
  operation('report', 'A report (reportType: one of the report types).', P.ReportParamsC, (t, p, o) => {
    const { reportType, ...rest } = p as { reportType: Parameters<Terminal['report$']>[0] };
    return t.report$(reportType, rest, o);
  }),
  operation('raw', 'Sends a resource as is to an endpoint, without validation.', P.RawParamsC, (t, p, o) => {
    const { endpoint, resource } = p as { endpoint: string; resource: Record<string, unknown> };
    return t.raw$(endpoint, resource, o);
  }),
  method({
    name: 'reconcile',
    summary:
      'Settles the flows the journal holds open (journal first, then recall_last_transaction) and reports a verdict for each.',
    params: P.TerminalRefC,
    result: R.ReconcileReportJsonC,
    errors: [RPC_CODES.unknownTerminal, RPC_CODES.journalFailed, RPC_CODES.closed],
    handler: async (params, context) =>
      reportJson(await (await context.terminals.ready(params.terminalId)).terminal.reconcile()),
  }),
  method({
    name: 'resolveFlow',
    summary:
      "Records the operator's verdict on a flow reconciliation left still_unknown, after checking the terminal.",
    params: P.ResolveFlowParamsC,
    result: R.ResolvedResultC,
    errors: [RPC_CODES.unknownTerminal, RPC_CODES.journalFailed, RPC_CODES.closed],
    handler: async (params, context) => {
      const { terminal } = await context.terminals.ready(params.terminalId);
      const note = params.note === undefined ? {} : { note: params.note };
      if (params.verdict === 'recovered') {
        if (params.resource === undefined) {
          throw new BridgeError('invalid_params', 'params.resource is required with verdict "recovered"', {
            path: 'params.resource',
          });
        }
        await terminal.resolveFlow(params.flowId, {
          verdict: 'recovered',
          resource: params.resource,
          ...note,
        });
      } else await terminal.resolveFlow(params.flowId, { verdict: params.verdict, ...note });
      return { terminalId: params.terminalId, flowId: params.flowId, verdict: params.verdict };
    },
  }),
  method({
    name: 'outcome.get',
    summary:
      'What the journal knows of a flow, by idempotencyKey (the latest flow with it) or flowId; null when it has none.',
    params: P.OutcomeGetParamsC,
    result: R.OutcomeGetResultC,
    errors: [RPC_CODES.unknownTerminal, RPC_CODES.journalFailed],
    handler: async (params, context) => {
      const { journal } = await context.terminals.ready(params.terminalId);
      const flow =
        'idempotencyKey' in params
          ? await journal.byIdempotencyKey(params.idempotencyKey)
          : await journal.flow(params.flowId);
      return flow === undefined ? null : flowRecordJson(flow);
    },
  }),
  method({
    name: 'journal.openFlows',
    summary:
      'The flows the journal holds open (running, or left without a final result: reconcile settles them).',
    params: P.TerminalRefC,
    result: R.OpenFlowsResultC,
    errors: [RPC_CODES.unknownTerminal, RPC_CODES.journalFailed],
    handler: async (params, context) => {
      const { journal } = await context.terminals.ready(params.terminalId);
      const flows = await journal.openFlows();
      return { terminalId: params.terminalId, flows: flows.map(flowRecordJson) };
    },
  }),
  method({
    name: 'simulator.customer',
    summary:
      'Plays the customer at an interactive simulator (terminal.open { simulator: { interactive: true } }). accepted is false when no flow waits for the customer.',
    params: P.CustomerActionParamsC,
    result: R.CustomerActionResultC,
    errors: [RPC_CODES.unknownTerminal],
    handler: async (params, context) => {
      const customer = customerOf(await context.terminals.ready(params.terminalId));
      const accepted = customer.act(params.action);
      return { terminalId: params.terminalId, accepted, screen: customer.screen() };
    },
  }),
  method({
    name: 'simulator.screen',
    summary: "The interactive simulator's screen as the customer sees it.",
    params: P.TerminalRefC,
    result: R.ScreenResultC,
    errors: [RPC_CODES.unknownTerminal],
    handler: async (params, context) => ({
      terminalId: params.terminalId,
      screen: customerOf(await context.terminals.ready(params.terminalId)).screen(),
    }),
  }),
  method({
    name: 'rpc.discover',
    summary: 'The OpenRPC document of this bridge.',
    params: P.NoParamsC,
    result: R.DiscoverResultC,
    errors: [],
    handler: async (_params, context) => context.discover(),
  }),
];

export const NOTIFICATIONS: readonly NotificationSpec[] = [
  {
    name: 'flow.progress',
    summary:
      'To the caller of an operation: the terminal started it, or sent a proceed event (with its results).',
    params: R.ProgressNotificationC,
  },
  {
    name: 'terminal.state',
    summary: 'To every caller: the connection state of a terminal changed.',
    params: R.StateNotificationC,
  },
  {
    name: 'outcome.unclaimed',
    summary:
      'To every caller: a result no caller waits for any more (cancelled, timed out, caller gone, unknown flow). It is journaled and acked.',
    params: R.UnclaimedNotificationC,
  },
  {
    name: 'terminal.diagnostic',
    summary: 'To every caller: an odd or unusable frame from a terminal.',
    params: R.DiagnosticNotificationC,
  },
  {
    name: 'simulator.screen',
    summary: "To every caller: the interactive simulator's screen changed.",
    params: R.ScreenNotificationC,
  },
  {
    name: 'terminal.frame',
    summary:
      'To every caller, for a terminal opened with frames: true: one frame in or out, card numbers masked.',
    params: R.FrameNotificationC,
  },
  {
    name: 'terminal.reconciled',
    summary: 'To every caller: the report of a reconciliation run.',
    params: R.ReconciledNotificationC,
  },
];

function customerOf(open: OpenTerminal): SimulatorCustomer {
  if (open.customer === undefined) {
    throw new BridgeError(
      'invalid_params',
      `terminal "${open.id}" is not an interactive simulator (terminal.open { simulator: { interactive: true } })`,
      { path: 'params.terminalId' },
    );
  }
  return open.customer;
}

/** The method table by name. */
export function methodTable(methods: readonly MethodSpec[] = METHODS): ReadonlyMap<string, MethodSpec> {
  return new Map(methods.map((m) => [m.name, m]));
}
