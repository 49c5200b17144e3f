import { isJsonObject } from './json.js';

// A digit run of PAN length that stands alone: not part of a longer token such as the EMV AID
// `A0000000041010` or a hexadecimal tag value, which are not card data and must be shown as sent.
const PAN = /(?<![0-9A-Za-z])\d{12,19}(?![0-9A-Za-z])/g;
// Magnetic-stripe track data: track 2 (`;PAN=YYMM…?`) and track 1 (`%BPAN^NAME^…?`), masked whole.
const TRACK2 = /;\d{12,19}=[0-9=]*\??/g;
const TRACK1 = /%B\d{12,19}\^[^?]*\??/g;

/**
 * Masks card data in a log line or a frame printed for a person: stand-alone digit runs of 12 to 19 digits
 * that pass the Luhn check (a PAN), keeping the last four, and track data whole. Everything else is shown as
 * sent: the EMV AID and other tags (receipts must show them), and reference, invoice and transaction numbers
 * that are not Luhn-valid. Results handed to a caller go through `maskCardNumbers`, which masks by field.
 */
export function maskPan(text: string): string {
  return text
    .replace(TRACK1, (track) => `%B${'*'.repeat(Math.max(0, track.length - 2))}`)
    .replace(TRACK2, (track) => `;${'*'.repeat(Math.max(0, track.length - 1))}`)
    .replace(PAN, (digits) => (luhnValid(digits) ? maskDigits(digits) : digits));
}

function maskDigits(digits: string): string {
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** The Luhn (mod 10) check every card number passes. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
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
 * their digits; every other field (EMV AID, invoice, reference and transaction numbers) is kept as it is.
 */
export function maskCardNumbers<T>(value: T): T {
  return maskValue(value, false) as T;
}

function maskValue(value: unknown, cardField: boolean): unknown {
  if (typeof value === 'string') return cardField ? maskCardNumber(value) : value;
  if (typeof value === 'number') return cardField ? maskCardNumber(String(value)) : value;
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

/**
 * The value of a card-number field (`card.account_no`, a receipt's card line): every run of 12 or more digits
 * is masked, Luhn-valid or not, since the field says it is a PAN.
 */
export function maskCardNumber(text: string): string {
  return text.replace(/\d{12,}/g, maskDigits);
}
