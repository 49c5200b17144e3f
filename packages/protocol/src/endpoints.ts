import { type KnownType, requestTypeRow, type TypeOn, typesOn } from './operations/request-types.js';

/** TSI endpoint paths (docs/protocol.md). Clients send lowercase; terminals appear case-insensitive. */
export const ENDPOINTS = {
  payment: '/tsi/v1/payment',
  info: '/tsi/v1/info',
  config: '/tsi/v1/config',
  reports: '/tsi/v1/reports',
  trace: '/log/v1/trace',
} as const;

export type EndpointName = keyof typeof ENDPOINTS;
export type EndpointPath = (typeof ENDPOINTS)[EndpointName];

/** Path used in single-endpoint mode: one socket at the root, `endpoint` inside every envelope. */
export const SINGLE_ENDPOINT_PATH = '/';

/** The known types per endpoint, in Ingenico's order: read off the request-type table (operations/). */
export const PAYMENT_TYPES = typesOn('payment');
export const REPORT_TYPES = typesOn('reports');
export const INFO_TYPES = typesOn('info');
export const CONFIG_TYPES = typesOn('config');

export type PaymentType = TypeOn<'payment'>;
export type ReportType = TypeOn<'reports'>;
export type InfoType = TypeOn<'info'>;
export type ConfigType = TypeOn<'config'>;
export type { KnownType };

export const TYPES_BY_ENDPOINT = {
  payment: PAYMENT_TYPES,
  info: INFO_TYPES,
  config: CONFIG_TYPES,
  reports: REPORT_TYPES,
} as const;

/** The endpoint a type is sent to (Ingenico's endPointMap). `undefined` for types we do not know. */
export function endpointOfType(type: string): EndpointPath | undefined {
  const row = requestTypeRow(type);
  return row === undefined ? undefined : ENDPOINTS[row.endpoint];
}

export function isKnownType(type: string): type is KnownType {
  return requestTypeRow(type) !== undefined;
}

/** Lowercases and drops a trailing slash, so `/Tsi/v1/payment/` and `/tsi/v1/payment` compare equal. */
export function normalizePath(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}
