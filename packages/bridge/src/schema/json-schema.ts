import type * as t from 'io-ts';
import { noteOf } from './annotate.js';

export type JsonSchema = { readonly [key: string]: unknown };

export interface SchemaOptions {
  /**
   * Objects refuse unknown keys (`additionalProperties: false`). On for params (a misspelt
   * `idempotencyKey` must not pass silently), off for results (later versions may add fields).
   */
  readonly closed: boolean;
  /**
   * Named shapes emitted once, under `#/components/schemas/<name>`, and referred to with `$ref` (an outcome
   * appears in fifteen results). Codecs whose name is a key here are collected into it.
   */
  readonly components?: Map<string, JsonSchema | null>;
}

interface ObjectParts {
  readonly properties: Record<string, JsonSchema>;
  readonly required: string[];
}

// The io-ts classes are told apart by `_tag`; only the ones the bridge's codecs use are handled, and any
// other is a programming error caught by the OpenRPC test.
type Tagged = t.Any & {
  readonly _tag: string;
  readonly props?: t.Props;
  readonly types?: readonly t.Any[];
  readonly type?: t.Any;
  readonly value?: unknown;
  readonly keys?: Record<string, unknown>;
  readonly codomain?: t.Any;
};

/** Converts an io-ts codec into a JSON Schema (draft 2020-12 subset). */
export function toJsonSchema(codec: t.Any, options: SchemaOptions): JsonSchema {
  const shared = options.components;
  if (shared?.has(codec.name)) {
    if (shared.get(codec.name) === null) {
      shared.set(codec.name, {}); // placeholder against recursion
      shared.set(codec.name, build(codec, options));
    }
    return { $ref: `#/components/schemas/${codec.name}` };
  }
  return build(codec, options);
}

function build(codec: t.Any, options: SchemaOptions): JsonSchema {
  const note = noteOf(codec);
  const base = note?.schema ?? shape(codec as Tagged, options);
  return note?.description === undefined ? base : { ...base, description: note.description };
}

function shape(codec: Tagged, options: SchemaOptions): JsonSchema {
  switch (codec._tag) {
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'NullType':
      return { type: 'null' };
    case 'UnknownType':
      return {};
    case 'UnknownRecordType':
    case 'AnyDictionaryType':
      return { type: 'object' };
    case 'LiteralType':
      return { const: codec.value };
    case 'KeyofType':
      return { type: 'string', enum: Object.keys(codec.keys ?? {}) };
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { type: 'array', items: toJsonSchema(codec.type as t.Any, options) };
    case 'DictionaryType':
      return { type: 'object', additionalProperties: toJsonSchema(codec.codomain as t.Any, options) };
    case 'RefinementType':
    case 'ReadonlyType':
    case 'ExactType':
      return toJsonSchema(codec.type as t.Any, options);
    case 'UnionType':
      return { anyOf: (codec.types ?? []).map((member) => toJsonSchema(member, options)) };
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType': {
      const parts = objectParts(codec, options);
      return {
        type: 'object',
        properties: parts.properties,
        ...(parts.required.length === 0 ? {} : { required: parts.required }),
        ...(options.closed ? { additionalProperties: false } : {}),
      };
    }
    default:
      throw new Error(`toJsonSchema: no JSON Schema for io-ts ${codec._tag} (${codec.name})`);
  }
}

/** Flattens interfaces, partials and intersections of them into one object's properties. */
function objectParts(codec: Tagged, options: SchemaOptions): ObjectParts {
  const own = noteOf(codec);
  if (own?.schema !== undefined) throw new Error(`toJsonSchema: ${codec.name} cannot be part of an object`);
  if (codec._tag === 'IntersectionType') {
    const merged: ObjectParts = { properties: {}, required: [] };
    for (const part of codec.types ?? []) {
      const parts = objectParts(unwrap(part as Tagged), options);
      Object.assign(merged.properties, parts.properties);
      merged.required.push(...parts.required);
    }
    return merged;
  }
  if (codec._tag !== 'InterfaceType' && codec._tag !== 'PartialType') {
    throw new Error(`toJsonSchema: ${codec.name} (${codec._tag}) is not an object codec`);
  }
  const properties: Record<string, JsonSchema> = {};
  for (const [key, value] of Object.entries(codec.props ?? {}))
    properties[key] = toJsonSchema(value, options);
  return { properties, required: codec._tag === 'InterfaceType' ? Object.keys(properties) : [] };
}

function unwrap(codec: Tagged): Tagged {
  return codec._tag === 'ExactType' || codec._tag === 'ReadonlyType' ? unwrap(codec.type as Tagged) : codec;
}

/**
 * Keys of `value` that an object codec does not declare, as `path.key` strings (nested objects included).
 * io-ts itself ignores extra keys; the bridge refuses them in params.
 */
export function unknownKeys(codec: t.Any, value: unknown, path: string): string[] {
  const tagged = codec as Tagged;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  switch (tagged._tag) {
    case 'RefinementType':
    case 'ReadonlyType':
    case 'ExactType':
      return unknownKeys(tagged.type as t.Any, value, path);
    case 'UnionType': {
      // The first member that accepts the value decides.
      const member = (tagged.types ?? []).find((m) => m.is(value));
      return member === undefined ? [] : unknownKeys(member, value, path);
    }
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType': {
      const props = declaredProps(tagged);
      const out: string[] = [];
      for (const key of Object.keys(value)) {
        // Own properties only: `props.constructor` or `props.__proto__` would find Object.prototype's.
        if (!Object.hasOwn(props, key)) out.push(`${path}.${key}`);
        else {
          const inner = Object.getOwnPropertyDescriptor(value, key)?.value;
          out.push(...unknownKeys(props[key] as t.Any, inner, `${path}.${key}`));
        }
      }
      return out;
    }
    default:
      return [];
  }
}

function declaredProps(codec: Tagged): t.Props {
  if (codec._tag === 'IntersectionType') {
    return Object.assign({}, ...(codec.types ?? []).map((part) => declaredProps(unwrap(part as Tagged))));
  }
  return codec.props ?? {};
}
