import { SimulatorError } from './errors.js';

/** Which paths the simulator serves: the per-endpoint `/tsi/v1/*` URLs, the root `/`, or both. */
export type EndpointMode = 'multi' | 'single' | 'both';
/** What a second concurrent connection gets: refused, or it replaces the first one. */
export type ConnectionPolicy = 'refuse' | 'replace';
/** `status` of a successful final event: Bluefin's examples say `completed`, its prose says `ok`. */
export type FinalStatus = 'completed' | 'ok';
/** How amounts are written in results: the emulator sends numbers, Bluefin's example strings. */
export type AmountsAs = 'number' | 'string';
/**
 * What happens to a flow whose link drops before its final event was delivered (unknown on a real terminal):
 * `complete` (default) — the transaction still completes and is recorded in the batch and as the last
 * transaction, so `recall_last_transaction` finds it after a reconnect; `cancel` — it is forgotten.
 */
export type LinkDropPolicy = 'complete' | 'cancel';
/**
 * What an `event_ack` whose resource is not `{"status":"ok"}` gets (the shape is confirmed; what a real
 * terminal does with another is unknown): `accept` (default) — logged as `ack_wrong_resource` and taken as
 * the ack; `ignore` — logged and not taken, so the event is re-sent.
 */
export type WrongAckPolicy = 'accept' | 'ignore';

/** Batch totals in cents, the input of the `terminal_total` shape. */
export interface BatchTotals {
  readonly batch_no: number;
  readonly sale_count: number;
  readonly sale_amount: number;
  readonly refund_count: number;
  readonly refund_amount: number;
  readonly void_count: number;
  readonly void_amount: number;
}

/**
 * The settlement `terminal_total` shape (unknown, docs/protocol.md): `object` — `{sale_count, sale_amount, …}`
 * (the StayDesk backend model); `array` — `[{batch_sale_count, batch_sale_amount, …}]` (the StayDesk mock);
 * or a function building any shape.
 */
export type SettlementShape = 'object' | 'array' | ((totals: BatchTotals, amountsAs: AmountsAs) => unknown);

export interface SimulatorSettings {
  /** Delay before each event (after the response, or after the previous event's ack). Default 300. */
  readonly eventDelayMs: number;
  /** How long to wait for an `event_ack` before re-sending the event. Default 5000. */
  readonly ackTimeoutMs: number;
  /** Re-sends of an un-acked event before the flow is abandoned. Default 3 (so 4 sends in all). */
  readonly resendLimit: number;
  readonly endpointMode: EndpointMode;
  readonly connectionPolicy: ConnectionPolicy;
  readonly finalStatus: FinalStatus;
  readonly amountsAs: AmountsAs;
  readonly settlementShape: SettlementShape;
  /** `error_info.text` of the busy response. Default "TSI busy". */
  readonly busyText: string;
  readonly onLinkDrop: LinkDropPolicy;
  readonly onWrongAck: WrongAckPolicy;
  readonly terminalId: string;
  readonly merchantId: string;
  /** Most transactions the batch holds before sale-like requests are refused until a settlement. */
  readonly batchLimit: number;
}

export const DEFAULT_SETTINGS: SimulatorSettings = {
  eventDelayMs: 300,
  ackTimeoutMs: 5000,
  resendLimit: 3,
  endpointMode: 'both',
  connectionPolicy: 'refuse',
  finalStatus: 'completed',
  amountsAs: 'string',
  settlementShape: 'object',
  busyText: 'TSI busy',
  onLinkDrop: 'complete',
  onWrongAck: 'accept',
  terminalId: '001',
  merchantId: 'VISAMID0123',
  batchLimit: 50_000,
};

const choices: Partial<Record<keyof SimulatorSettings, readonly string[]>> = {
  endpointMode: ['multi', 'single', 'both'],
  connectionPolicy: ['refuse', 'replace'],
  finalStatus: ['completed', 'ok'],
  amountsAs: ['number', 'string'],
  onLinkDrop: ['complete', 'cancel'],
  onWrongAck: ['accept', 'ignore'],
};
const counts = ['eventDelayMs', 'ackTimeoutMs', 'resendLimit', 'batchLimit'] as const;
const texts = ['busyText', 'terminalId', 'merchantId'] as const;

/** Merges partial settings over the defaults, refusing unknown keys and bad values with a `SimulatorError`. */
export function resolveSettings(...layers: (Partial<SimulatorSettings> | undefined)[]): SimulatorSettings {
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      checkSetting(key, value);
      merged[key] = value;
    }
  }
  return merged as unknown as SimulatorSettings;
}

export function checkSetting(key: string, value: unknown): void {
  if (!Object.hasOwn(DEFAULT_SETTINGS, key)) {
    throw new SimulatorError('bad_setting', `unknown setting "${key}"`);
  }
  const allowed = choices[key as keyof SimulatorSettings];
  if (allowed !== undefined && !allowed.includes(value as string)) {
    throw new SimulatorError(
      'bad_setting',
      `${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  if (
    (counts as readonly string[]).includes(key) &&
    !(Number.isSafeInteger(value) && (value as number) >= 0)
  ) {
    throw new SimulatorError(
      'bad_setting',
      `${key} must be a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  if ((texts as readonly string[]).includes(key) && typeof value !== 'string') {
    throw new SimulatorError('bad_setting', `${key} must be a string, got ${JSON.stringify(value)}`);
  }
  if (key === 'settlementShape' && value !== 'object' && value !== 'array' && typeof value !== 'function') {
    throw new SimulatorError('bad_setting', `settlementShape must be "object", "array" or a function`);
  }
}
