import { FAILURE_KINDS } from '@bluechip-ws/client';
import { actionFor, dataCodesOf } from './errors.js';
import { RPC_CODES } from './jsonrpc.js';
import { METHODS, type MethodSpec, NOTIFICATIONS, type NotificationSpec } from './methods.js';
import { type JsonSchema, toJsonSchema } from './schema/json-schema.js';

/** Version of the bridge's JSON-RPC interface (the package version; a test keeps them equal). */
export const BRIDGE_VERSION = '0.1.0';

/** The message of each JSON-RPC error code; the `data.code`s each carries come from `dataCodesOf`. */
const CODE_TEXT: Readonly<Record<number, string>> = {
  [RPC_CODES.parseError]: 'Parse error',
  [RPC_CODES.invalidRequest]: 'Invalid request',
  [RPC_CODES.methodNotFound]: 'Method not found',
  [RPC_CODES.invalidParams]: 'Invalid params (data.path names the field)',
  [RPC_CODES.internalError]: 'Internal error',
  [RPC_CODES.requestCancelled]: 'Request cancelled ($/cancelRequest)',
  [RPC_CODES.terminalBusy]: 'Terminal or bridge busy: nothing was sent',
  [RPC_CODES.outcomeUnknown]:
    'Outcome unknown: retry with the same idempotencyKey, or call outcome.get / reconcile; never resend blind',
  [RPC_CODES.refused]: 'Refused by the terminal',
  [RPC_CODES.unreachable]: 'Terminal unreachable: nothing was sent',
  [RPC_CODES.recoveryPending]: 'Recovery pending',
  [RPC_CODES.unknownTerminal]: 'Unknown terminal id',
  [RPC_CODES.journalFailed]: 'Journal failed',
  [RPC_CODES.closed]: 'Closed',
  [RPC_CODES.terminalError]: 'Terminal protocol error',
};

/** Every error the bridge answers with: numeric code, message, and the `data.code`s it carries. */
export function errorTable(): {
  code: number;
  message: string;
  data: { codes: string[]; actions: Record<string, string> };
}[] {
  return Object.entries(CODE_TEXT).map(([code, message]) => {
    const dataCodes = dataCodesOf(Number(code));
    return {
      code: Number(code),
      message,
      data: {
        codes: [...dataCodes],
        actions: Object.fromEntries(dataCodes.map((c) => [c, actionFor(c)])),
      },
    };
  });
}

/** The JSON Schema of every error object's `data`. */
export const ERROR_DATA_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['code', 'action'],
  properties: {
    code: {
      type: 'string',
      description: "The library's typed error code (busy, outcome_unknown, invalid_amount…).",
    },
    action: { type: 'string', description: 'What the caller should do: the one safe next step.' },
    kind: {
      type: 'string',
      enum: [...FAILURE_KINDS],
      description:
        "The failure's kind, by the library's one classifier (busy, unreachable, unknown: outcome unknown…); absent for the bridge's own errors (unknown terminal, parse error…).",
    },
    path: { type: 'string', description: 'For -32602: the offending field, e.g. params.amount.' },
    flowId: { type: ['string', 'null'] },
    outcomeUnknown: { type: 'boolean', description: 'True when the request may have reached the terminal.' },
  },
};

/** Shapes the document defines once under components.schemas. */
export const SHARED_SCHEMAS = [
  'Outcome',
  'TransactionResult',
  'ErrorInfo',
  'ReconcileReport',
  'ConnectionState',
  'PurchaseLevel2',
  'Timeouts',
  'TenderType',
];

function paramsOf(
  spec: MethodSpec | NotificationSpec,
  components: Map<string, JsonSchema | null>,
): { descriptors: unknown[]; schema: JsonSchema } {
  const schema = toJsonSchema(spec.params, { closed: true, components });
  const members = (schema.anyOf as JsonSchema[] | undefined) ?? [schema];
  // by-name params: one content descriptor per field of any accepted shape; required when every shape needs it.
  const seen = new Map<string, JsonSchema>();
  for (const member of members) {
    for (const [name, prop] of Object.entries((member.properties ?? {}) as Record<string, JsonSchema>)) {
      if (!seen.has(name)) seen.set(name, prop);
    }
  }
  const requiredEverywhere = (name: string) =>
    members.every((m) => ((m.required as string[] | undefined) ?? []).includes(name));
  const descriptors = [...seen].map(([name, s]) => ({ name, required: requiredEverywhere(name), schema: s }));
  return { descriptors, schema };
}
/** The OpenRPC 1.2 document of the method table, generated from its codecs. */
export function openRpcDocument(
  methods: readonly MethodSpec[] = METHODS,
  notifications: readonly NotificationSpec[] = NOTIFICATIONS,
): Record<string, unknown> {
  const errors = new Map(errorTable().map((e) => [e.code, e]));
  const components = new Map<string, JsonSchema | null>(SHARED_SCHEMAS.map((name) => [name, null]));
  const open = { closed: false, components };
  const document = {
    openrpc: '1.2.6',
    info: {
      title: 'bluechip-ws bridge',
      version: BRIDGE_VERSION,
      description:
        'JSON-RPC 2.0 over the bluechip-ws client: one JSON message per line on stdio (`bluechip serve --stdio`) or ' +
        'per WebSocket message (`bluechip serve --listen`). Amounts are integer cents. A declined card is a result. ' +
        'Cancel with the notification `$/cancelRequest { id }`. See docs/bridge.md.',
      license: { name: 'MIT' },
    },
    methods: methods.map((m) => {
      const { descriptors } = paramsOf(m, components);
      return {
        name: m.name,
        summary: m.summary,
        paramStructure: 'by-name',
        params: descriptors,
        result: {
          name: 'result',
          ...(m.resultSummary === undefined ? {} : { description: m.resultSummary }),
          schema: toJsonSchema(m.result, open),
        },
        errors: [RPC_CODES.invalidParams, ...m.errors].flatMap((code) => {
          const e = errors.get(code);
          // The data codes and actions are listed once, in x-errors.
          return e === undefined ? [] : [{ code: e.code, message: e.message }];
        }),
      };
    }),
    'x-notifications': notifications.map((n) => ({
      name: n.name,
      summary: n.summary,
      params: toJsonSchema(n.params, open),
    })),
    'x-errors': errorTable(),
    'x-error-data-schema': ERROR_DATA_SCHEMA,
  };
  const schemas = Object.fromEntries([...components].filter(([, schema]) => schema !== null));
  return { ...document, components: { schemas } };
}
