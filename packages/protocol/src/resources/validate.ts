import type * as t from 'io-ts';
import { type Either, isLeft, left, right } from '#fp-ts/Either';
import { isKnownType, REPORT_TYPES } from '../endpoints.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { parameterCodec, REQUIRED_PARAMETERS } from './params.js';
import { requestGuard } from './request-guard.js';
import { REQUEST_CODECS, ReportRequest, type RequestResource, TraceRequest } from './requests.js';

export type ResourceErrorKind = 'not_object' | 'missing_type' | 'unknown_type' | 'bad_parameter';

export interface ResourceError {
  readonly kind: ResourceErrorKind;
  readonly message: string;
  readonly parameter?: string;
}

export interface ValidateOptions {
  /** Accept types this library does not know (the permissive fallback). Default false. */
  readonly allowUnknownTypes?: boolean;
}

const reportTypes: ReadonlySet<string> = new Set(REPORT_TYPES);

/** Checks a request resource against docs/protocol.md: a known `type` and well-typed parameters. */
export function validateRequest(
  resource: unknown,
  options?: ValidateOptions,
): Either<ResourceError, RequestResource> {
  if (!isJsonObject(resource)) return left({ kind: 'not_object', message: 'resource must be a JSON object' });
  const type = Object.hasOwn(resource, 'type') ? resource.type : undefined;
  if (type === undefined && Object.hasOwn(resource, 'action')) {
    return decodeWith(TraceRequest, resource);
  }
  if (typeof type !== 'string' || type.length === 0) {
    return left({ kind: 'missing_type', message: 'resource has no "type"', parameter: 'type' });
  }
  const codec = REQUEST_CODECS[type] ?? (reportTypes.has(type) ? ReportRequest : undefined);
  if (codec !== undefined) return decodeWith(codec, resource);
  if (!isKnownType(type)) {
    return options?.allowUnknownTypes === true
      ? right(resource as RequestResource)
      : left({ kind: 'unknown_type', message: `unknown type "${type}"`, parameter: 'type' });
  }
  return checkTable(type, resource);
}

function checkTable(type: string, resource: JsonObject): Either<ResourceError, RequestResource> {
  for (const param of REQUIRED_PARAMETERS.get(type) ?? []) {
    if (!Object.hasOwn(resource, param)) {
      return left({ kind: 'bad_parameter', message: `"${type}" needs "${param}"`, parameter: param });
    }
  }
  for (const key of Object.keys(resource)) {
    const codec = parameterCodec(key);
    if (codec !== undefined && !codec.is(resource[key])) {
      return left({
        kind: 'bad_parameter',
        message: `"${key}" is not a valid ${codec.name}`,
        parameter: key,
      });
    }
  }
  return right(resource as RequestResource);
}

function decodeWith(codec: t.Mixed, resource: JsonObject): Either<ResourceError, RequestResource> {
  // The guard allocates nothing; the full decode runs only to explain a failure.
  if (requestGuard(codec)(resource)) return right(resource as RequestResource);
  const result = codec.decode(resource);
  if (!isLeft(result)) return right(resource as RequestResource);
  const first = result.left[0];
  const path = first?.context.map((entry) => entry.key).filter((key) => key !== '' && !/^\d+$/.test(key));
  const parameter = path?.[path.length - 1];
  const expected = first?.context[first.context.length - 1]?.type.name ?? 'value';
  const message =
    parameter === undefined
      ? `resource does not match ${codec.name}`
      : Object.hasOwn(resource, parameter)
        ? `"${parameter}" is not a valid ${first?.message ?? expected}`
        : `"${parameter}" is required`;
  return left(
    parameter === undefined
      ? { kind: 'bad_parameter', message }
      : { kind: 'bad_parameter', message, parameter },
  );
}
