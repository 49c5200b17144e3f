import { isJsonObject } from './json.js';

const PAN = /\d{12,19}/g;

/**
 * Masks card-number-like digit runs (12 to 19 digits) in a log line or a frame printed for debugging,
 * keeping the last four. Only for text a human reads in logs: it would also rewrite an EMV AID or a long
 * invoice number, so results handed to a caller go through `maskCardNumbers` instead.
 */
export function maskPan(text: string): string {
  return text.replace(PAN, (digits) => `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`);
}

/**
 * Keys whose value is a card number. The terminal already masks `card.account_no` (`************2205`);
 * these names cover the fields a terminal or a scenario could fill with a clear PAN.
 */
export const CARD_NUMBER_KEYS: ReadonlySet<string> = new Set([
  'account_no',
  'pan',
  'card_number',
  'card_no',
  'primary_account_number',
]);

/**
 * A copy of a JSON value where only card-number fields (`CARD_NUMBER_KEYS`, at any depth) are masked with
 * `maskPan`; every other field (EMV AID, invoice, reference and transaction numbers) is kept as it is.
 */
export function maskCardNumbers<T>(value: T): T {
  return maskValue(value, false) as T;
}

function maskValue(value: unknown, cardField: boolean): unknown {
  if (typeof value === 'string') return cardField ? maskPan(value) : value;
  if (typeof value === 'number') return cardField ? maskPan(String(value)) : value;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, cardField));
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // defineProperty: a `__proto__` key parsed from JSON stays a plain field of the copy.
      Object.defineProperty(out, key, {
        value: maskValue(value[key], CARD_NUMBER_KEYS.has(key)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}
