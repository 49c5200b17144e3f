import { formatTransactionDate, type JsonObject } from '@bluechip-ws/protocol';
import type { Batch } from './batch.js';
import type { TerminalClock } from './clock.js';
import { digits, pick, type Random } from './random.js';
import type { AmountsAs, SimulatorSettings } from './settings.js';

/** Mutable terminal state shared by the request handlers. */
export interface TerminalState {
  settings: SimulatorSettings;
  readonly clock: TerminalClock;
  readonly random: Random;
  readonly batch: Batch;
  lastTransaction: JsonObject | undefined;
  lastError: JsonObject | undefined;
}

/** What the handlers need for one request. */
export interface RequestContext {
  readonly state: TerminalState;
  readonly type: string;
  readonly resource: JsonObject;
  readonly amountsAs: AmountsAs;
}

export function money(cents: number, amountsAs: AmountsAs): number | string {
  return amountsAs === 'number' ? cents : String(cents);
}

export function stamp(clock: TerminalClock): { transaction_date: string; transaction_time: string } {
  const { date, time } = formatTransactionDate(clock.now());
  return { transaction_date: date, transaction_time: time };
}

/** Well-known test card numbers (never real cards); results only ever carry them masked. */
interface TestCard {
  readonly pan: string;
  readonly code: string;
  readonly text: string;
  readonly aid: string;
  readonly label: string;
}

const CARDS: readonly [TestCard, ...TestCard[]] = [
  { pan: '4761739001010119', code: '01', text: 'visa', aid: 'A0000000031010', label: 'VISA CREDIT' },
  { pan: '5413330089010434', code: '02', text: 'mastercard', aid: 'A0000000041010', label: 'MASTERCARD' },
  { pan: '374245002741006', code: '03', text: 'amex', aid: 'A00000002501', label: 'AMERICAN EXPRESS' },
  { pan: '6510000000000125', code: '05', text: 'discover', aid: 'A0000001523010', label: 'Discover Credit' },
];

/** Entry mode codes are the simulator's own choice; the text values are those seen in results. */
const ENTRY_MODES: readonly [{ code: string; text: string }, ...{ code: string; text: string }[]] = [
  { code: '5', text: 'chip' },
  { code: '7', text: 'contactless' },
  { code: '7', text: 'contactless' },
  { code: '0', text: 'magnetic_strip' },
];

export function maskedAccount(pan: string): string {
  return `${'*'.repeat(pan.length - 4)}${pan.slice(-4)}`;
}

/** A presented card: `card` (masked) and, for chip and contactless reads, an `emv` block. */
export function presentCard(random: Random): { card: JsonObject; emv?: JsonObject } {
  const c = pick(random, CARDS);
  const entry = pick(random, ENTRY_MODES);
  const card = {
    account_no: maskedAccount(c.pan),
    entry_mode: { code: entry.code, text: entry.text },
    type: { code: c.code, text: c.text },
  };
  if (entry.text === 'magnetic_strip') return { card };
  return {
    card,
    emv: { aid: c.aid, application_label: c.label, tsi: 'E800', tvr: '0000008000', cvm_result: '1E0300' },
  };
}

export function authorizationCode(random: Random): string {
  return digits(random, 6);
}

/** Fields every transaction result carries: type, date, time, terminal and merchant ids. */
export function baseResult(ctx: RequestContext): Record<string, unknown> {
  const { state, resource, type } = ctx;
  const merchant = resource.merchant_id;
  const result: Record<string, unknown> = {
    type,
    ...stamp(state.clock),
    terminal_id: state.settings.terminalId,
    merchant_id: typeof merchant === 'string' && merchant !== '' ? merchant : state.settings.merchantId,
  };
  for (const echo of ['invoice_no', 'clerk_id', 'order_number'] as const) {
    const v = resource[echo];
    if (typeof v === 'string' || typeof v === 'number') result[echo] = String(v);
  }
  return result;
}

/** `transaction_record_not_found` for a reference that is unknown, voided or of the wrong kind. */
export function notFoundResult(ctx: RequestContext, reference_no?: string): JsonObject {
  const result = baseResult(ctx);
  result.status = 'transaction_record_not_found';
  if (reference_no !== undefined) result.reference_no = reference_no;
  result.host_response_text = 'RECORD NOT FOUND';
  return result;
}
