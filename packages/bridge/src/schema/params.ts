import {
  COMMON_PARAMETERS,
  camelCase,
  LEVEL2_PARAMETERS,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationName,
  type OperationParams,
  type OperationRow,
  PARAMETERS,
  type ParameterRow,
  REPORT_TYPES,
  sharedParameters,
} from '@bluechip-ws/protocol';
import * as t from 'io-ts';
import { CentsC, described, JsonObjectC, NonEmptyString, NonNegativeInt, PositiveInt } from './annotate.js';

/**
 * Params of every method, as io-ts codecs: they check what a caller sends and, through `toJsonSchema`, are
 * the OpenRPC document. Field names and shapes mirror the TypeScript API (camelCase, amounts in cents).
 */

const keyof = <const K extends string>(keys: readonly K[], name: string) =>
  t.keyof(Object.fromEntries(keys.map((k) => [k, null])) as Record<K, null>, name);

const TerminalRef = t.type({
  terminalId: described(NonEmptyString, 'The id `terminal.open` returned.'),
});

export const TimeoutsC = t.partial(
  {
    queueMs: described(
      PositiveInt,
      'Waiting for a free slot; nothing is sent if it runs out (default 330 000).',
    ),
    responseMs: described(PositiveInt, 'From the request to its response (default 10 000).'),
    eventGapMs: described(PositiveInt, 'Between two events (default 180 000).'),
    ackMs: described(
      PositiveInt,
      "From a delivered event to the consumer's ack, manual mode (default 120 000).",
    ),
    flowMs: described(PositiveInt, 'The whole flow (default 300 000).'),
  },
  'Timeouts',
);

/** Per-call options every operation takes (`OperationOptions` of the TypeScript API, minus the signal). */
const CallOptions = t.partial({
  idempotencyKey: described(
    NonEmptyString,
    'E.g. the POS order id: a retry with the same key returns the first outcome instead of charging again.',
  ),
  flowId: described(NonEmptyString, 'Use this flow id instead of a generated one.'),
  timeouts: TimeoutsC,
});

/** The bridge codec of a parameter row: the API's shape (camelCase fields, integer cents), its doc attached. */
function apiCodec(
  row: ParameterRow,
  choices?: { readonly name: string; readonly choices: readonly string[] },
): t.Mixed {
  const codec = ((): t.Mixed => {
    switch (row.kind) {
      case 'cents':
        return CentsC;
      case 'text':
        return row.nonEmpty === true ? NonEmptyString : t.string;
      case 'string':
        return t.string;
      case 'choice':
        return keyof(choices?.choices ?? row.choices, choices?.name ?? row.name);
      case 'level2':
        return PurchaseLevel2C;
    }
  })();
  return row.doc === undefined ? codec : described(codec, row.doc);
}

function apiProps(
  rows: Readonly<Record<string, ParameterRow>>,
  names: readonly string[],
  choices: OperationRow['choices'] = {},
): t.Props {
  const narrower: Readonly<
    Record<string, { readonly name: string; readonly choices: readonly string[] } | undefined>
  > = choices;
  return Object.fromEntries(
    names.map((name) => {
      const row = Object.hasOwn(rows, name) ? rows[name] : undefined;
      if (row === undefined) throw new Error(`no parameter row ${name}`);
      return [camelCase(name), apiCodec(row, narrower[name])];
    }),
  );
}

const PurchaseLevel2C = t.partial(
  apiProps(LEVEL2_PARAMETERS, Object.keys(LEVEL2_PARAMETERS)),
  'PurchaseLevel2',
);

/** What every operation method takes besides its own parameters. */
export type CallParams = t.TypeOf<typeof TerminalRef> & t.TypeOf<typeof CallOptions>;

/** The params of an operation method: its row's parameters (required, optional, shared), then the call's. */
function operationParams(name: OperationName): t.Mixed {
  const row: OperationRow = OPERATIONS[name];
  const required = apiProps(PARAMETERS, row.required, row.choices);
  const optional = apiProps(PARAMETERS, [...row.optional, ...sharedParameters(row.shared)], row.choices);
  const codecName = `${name.charAt(0).toUpperCase()}${name.slice(1)}Params`;
  return row.required.length === 0
    ? t.intersection([TerminalRef, t.partial(optional), CallOptions], codecName)
    : t.intersection([TerminalRef, t.type(required), t.partial(optional), CallOptions], codecName);
}

/**
 * The params codec of each operation of the table, by method name, typed as what the client's method of
 * that name takes plus the call's parameters. The type restates what `operationParams` builds from the same
 * rows (a test decodes every row's fields through it).
 */
export const OPERATION_PARAMS = Object.fromEntries(
  OPERATION_NAMES.map((name) => [name, operationParams(name)]),
) as unknown as { readonly [N in OperationName]: t.Type<CallParams & OperationParams<N>, unknown, unknown> };

export const TerminalInfoParamsC = t.intersection([TerminalRef, CallOptions], 'TerminalInfoParams');

export const SetDateTimeParamsC = t.intersection(
  [
    TerminalRef,
    t.partial({
      at: described(t.string, 'ISO 8601 date-time to set (default: now, on the bridge clock).'),
      utc: described(t.boolean, 'Send the UTC fields of `at` instead of local time.'),
    }),
    CallOptions,
  ],
  'SetDateTimeParams',
);

export const ReportParamsC = t.intersection(
  [
    TerminalRef,
    t.type({ reportType: keyof(REPORT_TYPES, 'ReportType') }),
    t.partial(apiProps(PARAMETERS, ['parameter_type', ...COMMON_PARAMETERS])),
    CallOptions,
  ],
  'ReportParams',
);

export const RawParamsC = t.intersection(
  [
    TerminalRef,
    t.type({
      endpoint: described(NonEmptyString, "'/tsi/v1/payment' or 'payment'…"),
      resource: described(JsonObjectC, 'Sent as is, without validation.'),
    }),
    CallOptions,
  ],
  'RawParams',
);

/** Where `terminal.open` connects: a terminal (or simulator) URL, or a simulator the bridge starts itself. */
export const SimulatorSpecC = t.partial(
  {
    eventDelayMs: described(NonNegativeInt, 'Delay before each simulated event (default 150).'),
    seed: described(NonNegativeInt, 'Seed of the simulator randomness.'),
    scenario: described(
      JsonObjectC,
      'A simulator scenario (docs/simulator.md): settings and per-request rules (proceedEvents, reject, outcome…).',
    ),
    interactive: described(
      t.boolean,
      "Interactive mode: sale-like flows wait for the customer's action (simulator.customer) instead of deciding by amount.",
    ),
    customerTimeoutMs: described(
      PositiveInt,
      'Interactive mode: how long a flow waits for the customer before it ends as timed out (default 60000).',
    ),
  },
  'SimulatorSpec',
);

export const OpenParamsC = t.partial(
  {
    terminalId: described(NonEmptyString, 'Choose the id (default: t1, t2…); refused if already open.'),
    url: described(NonEmptyString, 'ws://host:50000 of the terminal. Give this or `simulator`.'),
    simulator: t.union([t.boolean, SimulatorSpecC]),
    endpointMode: keyof(['multi', 'single'], 'EndpointMode'),
    timeouts: TimeoutsC,
    connectTimeoutMs: PositiveInt,
    journalDir: described(
      NonEmptyString,
      'Directory of a file journal (one bridge at a time). Without it the journal is in memory.',
    ),
    reconnect: described(t.boolean, 'Reconnect after an unexpected drop (default true).'),
    queueLimit: described(PositiveInt, 'Operations waiting for the terminal before `busy` (default 16).'),
    autoReconcile: described(
      t.boolean,
      'Reconcile by itself after a dropped link or an unknown outcome (default true). A console teaching the manual reconcile turns it off.',
    ),
    frames: described(
      t.boolean,
      'Announce every frame in and out (card numbers masked) as terminal.frame notifications (default false).',
    ),
    reconcileOnOpen: described(
      t.boolean,
      'Reconcile the flows the journal holds open before returning (default true when journalDir is given).',
    ),
  },
  'OpenParams',
);

export const TerminalRefC = t.intersection([TerminalRef, t.partial({})], 'TerminalRef');

export const OutcomeGetParamsC = t.union(
  [
    t.type({ terminalId: NonEmptyString, idempotencyKey: NonEmptyString }, 'ByIdempotencyKey'),
    t.type({ terminalId: NonEmptyString, flowId: NonEmptyString }, 'ByFlowId'),
  ],
  'OutcomeGetParams',
);

export const NoParamsC = t.partial({}, 'NoParams');

export type OpenParams = t.TypeOf<typeof OpenParamsC>;

export const ResolveFlowParamsC = t.intersection(
  [
    TerminalRef,
    t.type({
      flowId: NonEmptyString,
      verdict: described(
        keyof(['recovered', 'not_found', 'failed'], 'ResolutionVerdict'),
        'recovered: the terminal has it (give `resource`); not_found / failed: it never ran (its key may be used again).',
      ),
    }),
    t.partial({
      resource: described(
        JsonObjectC,
        'For recovered: the final result found, { status: "completed", results: [...] }.',
      ),
      note: t.string,
    }),
  ],
  'ResolveFlowParams',
);

export const CustomerActionParamsC = t.intersection(
  [
    TerminalRef,
    t.type({
      action: described(
        keyof(
          [
            'approve',
            'insert_card',
            'enter_pin',
            'decline',
            'wrong_pin',
            'cancel',
            'walk_away',
            'pull_cable',
            'busy',
          ],
          'CustomerAction',
        ),
        'approve: tap a test card (approved); insert_card: insert a chip card, the terminal asks for the PIN (screen enter_pin); enter_pin: the customer types the PIN (approved); decline; wrong_pin; cancel; walk_away (customer timeout); pull_cable (the sale is recorded, the link drops before its result); busy: toggles an occupied terminal.',
      ),
    }),
  ],
  'CustomerActionParams',
);
