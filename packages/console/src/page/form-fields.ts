import {
  AmountError,
  CentsParam,
  describeAmountProblem,
  type JsonObject,
  PARAMETER_CODECS,
  parseAmount,
  REQUEST_CODECS,
  REQUIRED_PARAMETERS,
  StringParam,
  TenderType,
} from '@bluechip-ws/protocol';
import type * as t from 'io-ts';

/** One input of the workbench form, read off the protocol package's parameter tables. */
export interface FieldSpec {
  readonly name: string;
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

function kindOf(codec: t.Mixed | undefined): Pick<FieldSpec, 'kind' | 'choices'> {
  if (codec === CentsParam) return { kind: 'amount' };
  if (codec === TenderType) return { kind: 'choice', choices: Object.keys(TenderType.keys) };
  if (codec === StringParam) return { kind: 'text' };
  const tag = (codec as { _tag?: string } | undefined)?._tag;
  // Objects (purchase_level_2, purchase_card_3_details) are typed as JSON.
  if (tag === 'PartialType' || tag === 'InterfaceType' || tag === 'UnionType') return { kind: 'json' };
  return { kind: 'text' };
}

function spec(name: string, codec: t.Mixed | undefined, required: boolean): FieldSpec {
  return { name, required, ...kindOf(codec ?? PARAMETER_CODECS[name]) };
}

/** Props of an io-ts intersection's members: `t.type` ones are required, `t.partial` ones optional. */
function membersOf(codec: t.Mixed): { props: Record<string, t.Mixed>; required: boolean }[] {
  const types = (codec as unknown as { types?: t.Mixed[] }).types ?? [];
  return types.map((member) => ({
    props: (member as unknown as { props?: Record<string, t.Mixed> }).props ?? {},
    required: (member as { _tag?: string })._tag === 'InterfaceType',
  }));
}

/**
 * The form for a request type. Typed operations use their own request codec (required and optional
 * fields, types); every other type uses the table of required parameters, with all the known parameters
 * one step away.
 */
export function formFor(type: string): FormSpec {
  const codec = REQUEST_CODECS[type];
  const fields: FieldSpec[] = [];
  const seen = new Set<string>(['type']);
  if (codec !== undefined) {
    const [head, own] = membersOf(codec);
    for (const member of [head, own]) {
      for (const [name, c] of Object.entries(member?.props ?? {})) {
        if (seen.has(name)) continue;
        seen.add(name);
        fields.push(spec(name, c, member?.required ?? false));
      }
    }
  } else {
    for (const name of REQUIRED_PARAMETERS.get(type) ?? []) {
      seen.add(name);
      fields.push(spec(name, undefined, true));
    }
  }
  const more = Object.keys(PARAMETER_CODECS)
    .filter((name) => !seen.has(name))
    .map((name) => spec(name, undefined, false));
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
      if (field.required) throw new FieldError(field.name, `${field.name} is required for ${form.type}`);
      continue;
    }
    try {
      if (field.kind === 'amount') resource[field.name] = parseAmount(text);
      else if (field.kind === 'json') resource[field.name] = JSON.parse(text);
      else resource[field.name] = text;
    } catch (cause) {
      // The amount's own words name the field once ("amount has more than two decimals: …").
      const message =
        cause instanceof AmountError
          ? describeAmountProblem(field.name, text, cause.code)
          : `${field.name}: ${(cause as Error).message}`;
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
