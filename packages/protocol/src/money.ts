import { type Either, left, right } from '#fp-ts/Either';
import { CodedError } from './coded-error.js';

/** An amount in integer cents. Branded so a float or a dollar value cannot be passed by accident. */
export type Cents = number & { readonly __brand: 'Cents' };

/** $999,999.99: far above any card-present sale, far below where cents lose integer precision. */
export const DEFAULT_MAX_CENTS = 99_999_999;

export type AmountErrorCode =
  | 'not_a_number'
  | 'not_integer'
  | 'too_many_decimals'
  | 'negative'
  | 'too_large'
  /** A sale or refund of 0, refused by the client unless `allowZeroAmount` is set. */
  | 'zero';

export class AmountError extends CodedError<AmountErrorCode> {
  override readonly name = 'AmountError';
  constructor(
    code: AmountErrorCode,
    message: string,
    readonly input?: unknown,
  ) {
    super(code, message);
  }
}

export interface AmountOptions {
  /** Largest accepted amount in cents (inclusive). Default `DEFAULT_MAX_CENTS`. */
  readonly max?: number;
}

/** Brands an integer number of cents; floats, negatives and unsafe integers are refused. */
export function cents(value: number, options?: AmountOptions): Cents {
  const checked = checkCents(value, options);
  if (checked instanceof AmountError) throw checked;
  return checked;
}

export function tryCents(value: number, options?: AmountOptions): Either<AmountError, Cents> {
  const checked = checkCents(value, options);
  return checked instanceof AmountError ? left(checked) : right(checked);
}

function checkCents(value: number, options?: AmountOptions): Cents | AmountError {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return new AmountError(
      'not_a_number',
      `amount must be a finite number of cents, got ${String(value)}`,
      value,
    );
  }
  if (!Number.isInteger(value)) {
    return new AmountError('not_integer', `amount must be an integer number of cents, got ${value}`, value);
  }
  if (value < 0 || Object.is(value, -0)) {
    return new AmountError('negative', `amount must not be negative, got ${value}`, value);
  }
  const max = options?.max ?? DEFAULT_MAX_CENTS;
  if (value > max || !Number.isSafeInteger(value)) {
    return new AmountError('too_large', `amount ${value} cents is over the maximum of ${max}`, value);
  }
  return value as Cents;
}

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses a decimal string of currency units into cents, exactly: `"64.17"` → 6417, `"5"` → 500, `"0.5"` → 50.
 * Works on the digits, never through floating point. Refuses exponents, signs, more than two decimals.
 */
export function tryParseAmount(text: string, options?: AmountOptions): Either<AmountError, Cents> {
  if (typeof text !== 'string') {
    return left(new AmountError('not_a_number', 'amount must be a string like "12.34"', text));
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) {
    return left(new AmountError('negative', `amount must not be negative: "${text}"`, text));
  }
  const match = DECIMAL.exec(trimmed);
  if (match === null) {
    const decimals = /^\d+\.(\d{3,})$/.exec(trimmed);
    return left(
      decimals
        ? new AmountError('too_many_decimals', `amount has more than two decimals: "${text}"`, text)
        : new AmountError('not_a_number', `not a decimal amount like "12.34": "${text}"`, text),
    );
  }
  const units = match[1]!;
  const fraction = (match[2] ?? '').padEnd(2, '0');
  if (units.length > 15) {
    return left(new AmountError('too_large', `amount "${text}" is over the maximum`, text));
  }
  return tryCents(Number(units) * 100 + Number(fraction), options);
}

export function parseAmount(text: string, options?: AmountOptions): Cents {
  const result = tryParseAmount(text, options);
  if (result._tag === 'Left') throw result.left;
  return result.right;
}

/**
 * What is wrong with an amount a person typed, in the units they typed and naming where they typed it
 * (`--amount`, a form label): `--amount 1000000 is over the maximum of 999999.99`, never in cents.
 */
export function describeAmountProblem(subject: string, text: string, code: AmountErrorCode): string {
  const shown = JSON.stringify(text);
  switch (code) {
    case 'not_a_number':
    case 'not_integer':
      return `${subject} must be an amount like 12.34, got ${shown}`;
    case 'too_many_decimals':
      return `${subject} has more than two decimals: ${shown}`;
    case 'negative':
      return `${subject} must not be negative, got ${shown}`;
    case 'too_large':
      return `${subject} ${text.trim()} is over the maximum of ${formatAmount(DEFAULT_MAX_CENTS)}`;
    case 'zero':
      return `${subject} must be more than 0.00`;
  }
}

/** 6417 → `"64.17"`; the inverse of `parseAmount` for every valid amount. */
export function formatAmount(value: Cents | number): string {
  const whole = Math.trunc(value / 100);
  const rest = value % 100;
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

/**
 * Reads an amount as terminals send it: a JSON number or a numeric string of cents (docs/protocol.md).
 * Anything else is `undefined`: results are parsed permissively and keep their raw value beside.
 */
export function readCents(value: unknown): Cents | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? (value as Cents) : undefined;
  }
  if (typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value)) {
    return Number(value) as Cents;
  }
  return undefined;
}
