import { ENDPOINTS, endpointOfType, type JsonObject } from '@bluechip-ws/protocol';
import { readCents } from '@bluechip-ws/protocol/internal';
import { type Rejection, reject } from './plan.js';

/** A request resource that passed the simulator's checks. */
export interface CheckedRequest {
  readonly type: string;
  readonly resource: JsonObject;
  readonly amount: number | undefined;
}

const CENTS_PARAMS = ['amount', 'tip_amount', 'dcc_amount'] as const;
const STRING_PARAMS = ['reference_no', 'invoice_no', 'clerk_id', 'merchant_id', 'order_number'] as const;

const AMOUNT_REQUIRED: ReadonlySet<string> = new Set([
  'sale',
  'pre_auth',
  'refund',
  'force',
  'pre_auth_completion',
  'auth_only',
]);
const REFERENCE_REQUIRED: ReadonlySet<string> = new Set(['void', 'pre_auth_completion', 'tip_adjust']);

/** Types accepted on more than one endpoint (docs/protocol.md caveats). */
const ALSO_ON: Readonly<Record<string, string>> = {
  recall_last_transaction: ENDPOINTS.reports,
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
  if (home !== endpoint && ALSO_ON[type] !== endpoint) {
    return reject(`invalid request: type "${type}" is served on ${home}, not ${endpoint}`);
  }
  for (const key of CENTS_PARAMS) {
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
  if (AMOUNT_REQUIRED.has(type) && resource.amount === undefined) {
    return reject(`invalid request: ${type} needs an amount in cents`);
  }
  if (REFERENCE_REQUIRED.has(type) && resource.reference_no === undefined) {
    return reject(`invalid request: ${type} needs a reference_no`);
  }
  if (type === 'tip_adjust' && resource.tip_amount === undefined) {
    return reject('invalid request: tip_adjust needs a tip_amount in cents');
  }
  if (type === 'set_date_time' && (typeof resource.date !== 'string' || typeof resource.time !== 'string')) {
    return reject('invalid request: set_date_time needs date (YYMMDD) and time (HHMMSS) strings');
  }
  const amount = readCents(resource.amount);
  return { type, resource, amount };
}
