import * as t from 'io-ts';

/** JSON Schema keywords a codec carries beyond what its io-ts shape says (a description, bounds). */
export interface SchemaNote {
  readonly description?: string;
  readonly schema?: Readonly<Record<string, unknown>>;
}

const notes = new WeakMap<object, SchemaNote>();

/**
 * The same codec, carrying a note for the OpenRPC document. A derived object (not a mutation) so a shared
 * codec such as `t.string` can carry a different description on every field.
 */
export function annotate<C extends t.Any>(codec: C, note: SchemaNote): C {
  const copy = Object.create(codec) as C;
  // A note on an annotated codec adds to its note (a description on `CentsC` keeps its bounds).
  notes.set(copy, { ...notes.get(codec), ...note });
  return copy;
}

export function described<C extends t.Any>(codec: C, description: string): C {
  return annotate(codec, { description });
}

export function noteOf(codec: t.Any): SchemaNote | undefined {
  return notes.get(codec);
}

const MAX_CENTS = 99_999_999;

/** An amount in integer cents, as the TypeScript API takes it (`Cents`). */
export const CentsC = annotate(
  t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_CENTS, 'Cents'),
  { schema: { type: 'integer', minimum: 0, maximum: MAX_CENTS } },
);

export const NonEmptyString = annotate(
  t.refinement(t.string, (s) => s.length > 0, 'NonEmptyString'),
  { schema: { type: 'string', minLength: 1 } },
);

export const PositiveInt = annotate(
  t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInt'),
  { schema: { type: 'integer', minimum: 1 } },
);

export const NonNegativeInt = annotate(
  t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'NonNegativeInt'),
  { schema: { type: 'integer', minimum: 0 } },
);

/** Any JSON object. */
export const JsonObjectC = annotate(t.UnknownRecord, { schema: { type: 'object' } });
