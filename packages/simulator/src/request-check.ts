import {
  CENTS_PARAMETERS,
  ENDPOINTS,
  endpointOfType,
  isTransaction,
  type JsonObject,
  PARAMETERS,
  type ParameterName,
  type ParameterRow,
  requestTypeRow,
} from '@bluechip-ws/protocol';
import { readCents } from '@bluechip-ws/protocol/internal';
import { type Rejection, reject } from './plan.js';

/** A request resource that passed the simulator's checks. */
export interface CheckedRequest {
  readonly type: string;
  readonly resource: JsonObject;
  readonly amount: number | undefined;
}

/** The text parameters (a string, or a number some tools send), read off the protocol's parameter table. */
const STRING_PARAMS: readonly string[] = (Object.keys(PARAMETERS) as ParameterName[]).filter((name) => {
  const row: ParameterRow = PARAMETERS[name];
  return row.kind === 'text' && row.orObject !== true;
});

/** How the simulator names a missing required parameter of a transaction. */
const MISSING: Readonly<Record<string, string>> = {
  amount: 'an amount in cents',
  reference_no: 'a reference_no',
  tip_amount: 'a tip_amount in cents',
};

/**
 * Checks a request resource against the endpoint it arrived on: a known `type` served there, integer-cent
 * amounts (number or digit string), and the parameters the modelled types cannot do without. The texts are
 * the `error_info.text` the POS sees.
 */
export function checkRequest(resource: JsonObject, endpoint: string): CheckedRequest | Rejection {
  const type = resource.type;
  if (type === undefined) return reject('invalid request: resource.type is missing');
  if (typeof type !== 'string' || type === '')
    return reject('invalid request: resource.type must be a non-empty string');
  const home = endpointOfType(type);
  if (home === undefined) return reject(`invalid request: unknown type "${type}"`);
  const alsoOn = requestTypeRow(type)?.alsoOn;
  if (home !== endpoint && (alsoOn === undefined || ENDPOINTS[alsoOn] !== endpoint)) {
    return reject(`invalid request: type "${type}" is served on ${home}, not ${endpoint}`);
  }
  for (const key of CENTS_PARAMETERS) {
    const value = resource[key];
    if (value !== undefined && readCents(value) === undefined) {
      return reject(
        `invalid request: ${key} must be integer cents as a number or a digit string, got ${JSON.stringify(value)}`,
      );
    }
  }
  for (const key of STRING_PARAMS) {
    const value = resource[key];
    if (value !== undefined && typeof value !== 'string' && typeof value !== 'number') {
      return reject(`invalid request: ${key} must be a string, got ${JSON.stringify(value)}`);
    }
  }
  // The transactions are modelled: their required parameters (the request-type table) are checked.
  if (isTransaction(type)) {
    for (const name of requestTypeRow(type)?.requires ?? []) {
      if (resource[name] === undefined) {
        return reject(`invalid request: ${type} needs ${MISSING[name] ?? `a ${name}`}`);
      }
    }
  }
  if (type === 'set_date_time' && (typeof resource.date !== 'string' || typeof resource.time !== 'string')) {
    return reject('invalid request: set_date_time needs date (YYMMDD) and time (HHMMSS) strings');
  }
  const amount = readCents(resource.amount);
  return { type, resource, amount };
}
