import * as t from 'io-ts';
import { REPORT_TYPES } from '../endpoints.js';
import {
  COMMON_PARAMETERS,
  OPERATIONS,
  type OperationName,
  type OperationOf,
  TOKEN_PARAMETERS,
} from '../operations/operations.js';
import { PARAMETERS, type ParameterName } from '../operations/parameters.js';
import { choiceCodec, PARAMETER_CODECS, type WireCodec } from './params.js';

/**
 * Typed request resources for the operations a POS uses (docs/protocol.md). Each is `{type, ...params}` with
 * the optional ones optional, read off the operation table; `KnownRequest` covers the remaining known types
 * table-driven, and `UnknownRequest` is the permissive fallback for types this library does not know yet.
 */

const pick = <K extends ParameterName>(names: readonly K[]) =>
  Object.fromEntries(names.map((name) => [name, PARAMETER_CODECS[name]])) as unknown as {
    [N in K]: WireCodec<(typeof PARAMETERS)[N]>;
  };

const Common = t.partial(pick(COMMON_PARAMETERS));
const Token = t.partial(pick(TOKEN_PARAMETERS));

/** A parameter's codec in operation `O`'s typed request: its choices (the row's own, if narrower) checked. */
type TypedCodec<O, K extends ParameterName> = O extends {
  readonly choices: { readonly [P in K]: { readonly choices: infer C extends readonly string[] } };
}
  ? t.KeyofC<{ [V in C[number]]: null }>
  : (typeof PARAMETERS)[K] extends {
        readonly kind: 'choice';
        readonly choices: infer C extends readonly string[];
      }
    ? t.KeyofC<{ [V in C[number]]: null }>
    : WireCodec<(typeof PARAMETERS)[K]>;

type PropsOf<O, K extends ParameterName> = { [P in K]: TypedCodec<O, P> };

export type TypedRequestC<N extends OperationName> = t.IntersectionC<
  [
    t.TypeC<
      { type: t.LiteralC<OperationOf<N>['type']> } & PropsOf<
        OperationOf<N>,
        OperationOf<N>['required'][number]
      >
    >,
    t.PartialC<PropsOf<OperationOf<N>, OperationOf<N>['optional'][number]>>,
    typeof Common,
    typeof Token,
  ]
>;

function typedCodecs(name: OperationName, params: readonly ParameterName[]): t.Props {
  const row = OPERATIONS[name];
  const narrower: Readonly<Record<string, { readonly choices: readonly string[] } | undefined>> =
    'choices' in row ? row.choices : {};
  return Object.fromEntries(
    params.map((param) => {
      const parameter = PARAMETERS[param];
      const choices =
        narrower[param]?.choices ?? (parameter.kind === 'choice' ? parameter.choices : undefined);
      return [param, choices === undefined ? PARAMETER_CODECS[param] : choiceCodec(choices)];
    }),
  );
}

/** The typed request of an operation row; every typed request accepts the common and token fields. */
function typedRequest<N extends OperationName>(name: N): TypedRequestC<N> {
  const row: OperationOf<N> = OPERATIONS[name];
  const made = t.intersection(
    [
      t.type({ type: t.literal(row.type), ...typedCodecs(name, row.required) }),
      t.partial(typedCodecs(name, row.optional)),
      Common,
      Token,
    ],
    row.type,
  ) as unknown as TypedRequestC<N>;
  return made;
}

const typed = <T extends string, P extends t.Props>(type: T, required: P) =>
  t.intersection([t.type({ type: t.literal(type), ...required }), t.partial({}), Common, Token], type);

export const SaleRequest = typedRequest('sale');
export const RefundRequest = typedRequest('refund');
export const PreAuthRequest = typedRequest('preAuth');
export const PreAuthCompletionRequest = typedRequest('preAuthCompletion');
export const ForceRequest = typedRequest('force');
export const VoidRequest = typedRequest('void');
export const TipAdjustRequest = typedRequest('tipAdjust');
export const CardBalanceInquiryRequest = typedRequest('cardBalance');
export const ReprintReceiptRequest = typedRequest('reprintReceipt');
export const RecallLastTransactionRequest = typedRequest('recallLastTransaction');
export const SettlementRequest = typedRequest('settlement');

/** The typed request of each operation row, by operation name. */
export const OPERATION_REQUESTS: { readonly [N in OperationName]: TypedRequestC<N> } = {
  sale: SaleRequest,
  refund: RefundRequest,
  void: VoidRequest,
  preAuth: PreAuthRequest,
  preAuthCompletion: PreAuthCompletionRequest,
  force: ForceRequest,
  tipAdjust: TipAdjustRequest,
  cardBalance: CardBalanceInquiryRequest,
  reprintReceipt: ReprintReceiptRequest,
  recallLastTransaction: RecallLastTransactionRequest,
  settlement: SettlementRequest,
};
export const AutoSettlementRequest = typed('auto_settlement', {});
export const TerminalInfoRequest = typed('terminal_info', {});
/** `date` is `YYMMDD`, `time` is `HHMMSS`. */
export const SetDateTimeRequest = typed('set_date_time', {
  date: t.refinement(t.string, (s) => /^\d{6}$/.test(s), 'YYMMDD'),
  time: t.refinement(t.string, (s) => /^\d{6}$/.test(s), 'HHMMSS'),
});
export const ReportRequest = t.intersection(
  [
    t.type({
      type: choiceCodec(REPORT_TYPES),
    }),
    t.partial({ parameter_type: PARAMETER_CODECS.parameter_type }),
    Common,
  ],
  'ReportRequest',
);
/** `/log/v1/trace` is not type-based: `{"action":"start"|"stop"}` (docs/protocol.md). */
export const TraceRequest = t.type({ action: t.keyof({ start: null, stop: null }) }, 'TraceRequest');

/** Any other known type (gift, tab, token, EMV info…): table-checked parameters, see `validateRequest`. */
export const KnownRequest = t.intersection(
  [t.type({ type: t.string }), t.record(t.string, t.unknown)],
  'KnownRequest',
);
/** The fallback: any object with a string `type`. */
export const UnknownRequest = KnownRequest;

export type SaleRequest = t.TypeOf<typeof SaleRequest>;
export type RefundRequest = t.TypeOf<typeof RefundRequest>;
export type PreAuthRequest = t.TypeOf<typeof PreAuthRequest>;
export type PreAuthCompletionRequest = t.TypeOf<typeof PreAuthCompletionRequest>;
export type ForceRequest = t.TypeOf<typeof ForceRequest>;
export type VoidRequest = t.TypeOf<typeof VoidRequest>;
export type TipAdjustRequest = t.TypeOf<typeof TipAdjustRequest>;
export type CardBalanceInquiryRequest = t.TypeOf<typeof CardBalanceInquiryRequest>;
export type ReprintReceiptRequest = t.TypeOf<typeof ReprintReceiptRequest>;
export type RecallLastTransactionRequest = t.TypeOf<typeof RecallLastTransactionRequest>;
export type SettlementRequest = t.TypeOf<typeof SettlementRequest>;
export type AutoSettlementRequest = t.TypeOf<typeof AutoSettlementRequest>;
export type TerminalInfoRequest = t.TypeOf<typeof TerminalInfoRequest>;
export type SetDateTimeRequest = t.TypeOf<typeof SetDateTimeRequest>;
export type ReportRequest = t.TypeOf<typeof ReportRequest>;
export type TraceRequest = t.TypeOf<typeof TraceRequest>;
export type KnownRequest = t.TypeOf<typeof KnownRequest>;

/** Codecs for the typed operations, by `type` (a prototype-free object: a hostile `type` finds nothing). */
export const REQUEST_CODECS: Readonly<Record<string, t.Mixed | undefined>> = Object.assign(
  Object.create(null),
  {
    ...Object.fromEntries(Object.values(OPERATION_REQUESTS).map((codec) => [codec.name, codec])),
    auto_settlement: AutoSettlementRequest,
    terminal_info: TerminalInfoRequest,
    set_date_time: SetDateTimeRequest,
  },
);

/** The discriminated union on `type` of every typed request. */
export type TypedRequest =
  | SaleRequest
  | RefundRequest
  | PreAuthRequest
  | PreAuthCompletionRequest
  | ForceRequest
  | VoidRequest
  | TipAdjustRequest
  | CardBalanceInquiryRequest
  | ReprintReceiptRequest
  | RecallLastTransactionRequest
  | SettlementRequest
  | AutoSettlementRequest
  | TerminalInfoRequest
  | SetDateTimeRequest
  | ReportRequest;

export type RequestResource = TypedRequest | TraceRequest | KnownRequest;
