import {
  AmountError,
  describeAmountProblem,
  type JsonObject,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationRow,
  PARAMETERS,
  parameterLabel,
  parameterRow,
  parseAmount,
  REQUEST_CODECS,
  REQUIRED_PARAMETERS,
} from '@bluechip-ws/protocol';

/** One input of the workbench form, read off the protocol's operation and parameter tables. */
export interface FieldSpec {
  /** The wire name, sent as is. */
  readonly name: string;
  /** What a person reads ("Tender type"): the parameter table's label. */
  readonly label: string;
  /** amount: currency units in the form, cents on the wire; json: an object; choice: one of `choices`. */
  readonly kind: 'amount' | 'text' | 'json' | 'choice';
  readonly required: boolean;
  readonly choices?: readonly string[];
}

/** The form of a type: the fields its request is made of, then every other known parameter. */
export interface FormSpec {
  readonly type: string;
  readonly fields: readonly FieldSpec[];
  readonly more: readonly FieldSpec[];
}

type Narrower = Readonly<Record<string, { readonly choices: readonly string[] } | undefined>>;

function spec(name: string, required: boolean, narrower: Narrower = {}): FieldSpec {
  const base = { name, label: parameterLabel(name), required };
  const row = parameterRow(name);
  switch (row?.kind) {
    case 'cents':
      return { ...base, kind: 'amount' };
    case 'choice':
      return { ...base, kind: 'choice', choices: narrower[name]?.choices ?? row.choices };
    case 'level2':
      return { ...base, kind: 'json' };
    default:
      return { ...base, kind: 'text' };
  }
}

/** The operation row that sends `type`, if any. */
function rowOf(type: string): OperationRow | undefined {
  const name = OPERATION_NAMES.find((n) => OPERATIONS[n].type === type);
  return name === undefined ? undefined : OPERATIONS[name];
}

/**
 * The form for a request type. A type of the operation table gets its row's own fields (required, then
 * optional, with the row's choices); every other type gets the parameters the request-type table says it
 * needs. All the other known parameters are one step away.
 */
export function formFor(type: string): FormSpec {
  const row = rowOf(type);
  const fields: FieldSpec[] = [];
  if (row !== undefined) {
    const narrower: Narrower = row.choices ?? {};
    for (const name of row.required) fields.push(spec(name, true, narrower));
    for (const name of row.optional) fields.push(spec(name, false, narrower));
  } else {
    for (const name of REQUIRED_PARAMETERS.get(type) ?? []) fields.push(spec(name, true));
  }
  const seen = new Set(fields.map((f) => f.name));
  const more = Object.keys(PARAMETERS)
    .filter((name) => !seen.has(name))
    .map((name) => spec(name, false));
  return { type, fields, more };
}

/** A form value the protocol refuses; `field` names the input. */
export class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The request resource for the form's values: amounts converted exactly from currency units with the
 * protocol's `parseAmount` ("12.34" → 1234), JSON fields parsed, empty fields left out. Throws FieldError.
 */
export function resourceFrom(form: FormSpec, values: ReadonlyMap<string, string>): JsonObject {
  const resource: Record<string, unknown> = { type: form.type };
  for (const field of [...form.fields, ...form.more]) {
    const text = (values.get(field.name) ?? '').trim();
    if (text === '') {
      if (field.required)
        throw new FieldError(field.name, `${field.label} (${field.name}) is required for ${form.type}`);
      continue;
    }
    try {
      if (field.kind === 'amount') resource[field.name] = parseAmount(text);
      else if (field.kind === 'json') resource[field.name] = JSON.parse(text);
      else resource[field.name] = text;
    } catch (cause) {
      // The amount's own words name the field once ("Amount has more than two decimals: …").
      const message =
        cause instanceof AmountError
          ? describeAmountProblem(field.label, text, cause.code)
          : `${field.label} (${field.name}): ${(cause as Error).message}`;
      throw new FieldError(field.name, message, { cause });
    }
  }
  const codec = REQUEST_CODECS[form.type];
  const checked = codec?.decode(resource);
  if (checked !== undefined && checked._tag === 'Left') {
    // io-ts says where it failed: the first key of a failure's path that is one of the form's fields.
    const names = new Set([...form.fields, ...form.more].map((f) => f.name));
    const field = checked.left.flatMap((e) => e.context.map((c) => c.key)).find((key) => names.has(key));
    throw new FieldError(
      field ?? 'type',
      `${field ?? form.type}: not a valid value for a ${form.type} request`,
    );
  }
  return resource as JsonObject;
}
