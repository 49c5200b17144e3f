import * as t from 'io-ts';
import { JsonObjectC } from '../envelope.js';
import {
  LEVEL2_PARAMETERS,
  type Level2Name,
  PARAMETERS,
  type ParameterName,
  type ParameterRow,
  TENDER_TYPES,
} from '../operations/parameters.js';
import { REQUEST_TYPES, type RequestTypeRow } from '../operations/request-types.js';

/**
 * The wire codecs of the request parameters, derived from the parameter table (`operations/parameters.ts`):
 * what a request resource may carry, checked before anything is sent.
 */

/** Integer cents as a JSON number or a digit string: Ingenico's tools send both (docs/protocol.md). */
export const CentsParam = new t.Type<number | string, number | string, unknown>(
  'CentsParam',
  (u): u is number | string =>
    (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0) ||
    (typeof u === 'string' && /^\d{1,15}$/.test(u)),
  (u, c) =>
    (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0) ||
    (typeof u === 'string' && /^\d{1,15}$/.test(u))
      ? t.success(u)
      : t.failure(u, c, 'expected integer cents (number or digit string)'),
  t.identity,
);

/** A string, or a number that some tools send where the spec shows a string. */
export const StringParam = t.union([t.string, t.number]);

/** One of `choices`: what a typed request accepts for a `choice` parameter. */
export function choiceCodec<const C extends readonly string[]>(
  choices: C,
  name?: string,
): t.KeyofC<{ [K in C[number]]: null }> {
  return t.keyof(Object.fromEntries(choices.map((c) => [c, null])) as { [K in C[number]]: null }, name);
}

export const TenderType = choiceCodec(TENDER_TYPES);

/** The wire codec of a parameter of kind `R` (a `choice` takes any string here: typed requests narrow it). */
export type WireCodec<R> = R extends { readonly kind: 'cents' }
  ? typeof CentsParam
  : R extends { readonly kind: 'text'; readonly orObject: true }
    ? t.UnionC<[typeof StringParam, typeof JsonObjectC]>
    : R extends { readonly kind: 'text' }
      ? typeof StringParam
      : R extends { readonly kind: 'level2' }
        ? typeof PurchaseLevel2
        : t.StringC;

function wireCodec(row: ParameterRow): t.Mixed {
  switch (row.kind) {
    case 'cents':
      return CentsParam;
    case 'text':
      return row.orObject === true ? t.union([StringParam, JsonObjectC]) : StringParam;
    case 'level2':
      return PurchaseLevel2;
    case 'string':
    case 'choice':
      return t.string;
  }
}

/** Codecs by name, in a prototype-free object: a lookup by a hostile key (`constructor`) finds nothing. */
function codecsOf<T extends Readonly<Record<string, ParameterRow>>>(
  rows: T,
): { readonly [K in keyof T]: WireCodec<T[K]> } {
  const codecs = Object.create(null) as Record<string, t.Mixed>;
  for (const [name, row] of Object.entries(rows)) codecs[name] = wireCodec(row);
  return Object.freeze(codecs) as { readonly [K in keyof T]: WireCodec<T[K]> };
}

/** Level-2 purchase data: an object of optional fields (docs/protocol.md). */
export const PurchaseLevel2: t.PartialC<{
  readonly [K in Level2Name]: WireCodec<(typeof LEVEL2_PARAMETERS)[K]>;
}> = t.partial(codecsOf(LEVEL2_PARAMETERS));

/** Every documented request parameter (docs/protocol.md) with its codec. Unknown parameters pass through untouched. */
export const PARAMETER_CODECS: { readonly [K in ParameterName]: WireCodec<(typeof PARAMETERS)[K]> } =
  codecsOf(PARAMETERS);

/** The codec of a top-level parameter by wire name; `undefined` for one this library does not know. */
export function parameterCodec(name: string): t.Mixed | undefined {
  return Object.hasOwn(PARAMETER_CODECS, name)
    ? (PARAMETER_CODECS as Readonly<Record<string, t.Mixed>>)[name]
    : undefined;
}

/** Parameters a request of a type cannot do without: the `requires` column of the request-type table. */
export const REQUIRED_PARAMETERS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries(REQUEST_TYPES as Readonly<Record<string, RequestTypeRow>>).flatMap(([type, row]) =>
    row.requires === undefined ? [] : [[type, row.requires] as const],
  ),
);
