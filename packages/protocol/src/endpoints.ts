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

export const PAYMENT_TYPES = [
  'sale',
  'refund',
  'force',
  'void',
  'card_balance_inquiry',
  'reprint_receipt',
  'pre_auth',
  'settlement',
  'auto_settlement',
  'pre_auth_completion',
  'auth_only',
  'recall_last_transaction',
  'open_pre_auth',
  'reload',
  'activation',
  'deactivation',
  'block_activation',
  'block_deactivation',
  'reactivation',
  'block_reactivation',
  'redemption',
  'add_tip',
  'force_issuance',
  'force_activation',
  'force_redemption',
  'zero_gift_card_balance',
  'tab_open',
  'tab_open_force',
  'tab_close',
  'tab_delete',
  'tip_adjust',
  'verification',
  'get_token',
  'transaction_adjustment',
  'incremental_authorization',
  'force_pre_auth',
  'force_incremental_authorization',
  'force_tab_close',
] as const;

export const REPORT_TYPES = [
  'detail_report',
  'summary_report',
  'emv_last_tx_report',
  'clerk_summary_report',
  'parameters_report',
  'activity_report',
  'recent_error',
  'clerk_id_list',
  'emv_key_date_report',
] as const;

export const INFO_TYPES = [
  'terminal_info',
  'emv_parameters',
  'emv_statistic',
  'emv_public_key',
  'cd_status',
  'cd_capability',
  'cd_open',
  'saf_indicator',
  'printing_status',
] as const;

export const CONFIG_TYPES = ['software_update', 'set_date_time'] as const;

export type PaymentType = (typeof PAYMENT_TYPES)[number];
export type ReportType = (typeof REPORT_TYPES)[number];
export type InfoType = (typeof INFO_TYPES)[number];
export type ConfigType = (typeof CONFIG_TYPES)[number];
export type KnownType = PaymentType | ReportType | InfoType | ConfigType;

export const TYPES_BY_ENDPOINT = {
  payment: PAYMENT_TYPES,
  info: INFO_TYPES,
  config: CONFIG_TYPES,
  reports: REPORT_TYPES,
} as const;

const endpointByType = new Map<string, EndpointPath>();
for (const name of ['payment', 'info', 'config', 'reports'] as const) {
  for (const type of TYPES_BY_ENDPOINT[name]) endpointByType.set(type, ENDPOINTS[name]);
}

/** The endpoint a type is sent to (Ingenico's endPointMap). `undefined` for types we do not know. */
export function endpointOfType(type: string): EndpointPath | undefined {
  return endpointByType.get(type);
}

export function isKnownType(type: string): type is KnownType {
  return endpointByType.has(type);
}

/** Lowercases and drops a trailing slash, so `/Tsi/v1/payment/` and `/tsi/v1/payment` compare equal. */
export function normalizePath(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}
