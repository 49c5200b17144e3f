import fc from 'fast-check';
import { isLeft } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  AmountError,
  cents,
  DEFAULT_MAX_CENTS,
  describeAmountProblem,
  formatAmount,
  parseAmount,
  readCents,
  tryParseAmount,
} from '../src/internal.js';

describe('money', () => {
  it('parses two-decimal strings exactly', () => {
    expect(parseAmount('64.17')).toBe(6417);
    expect(parseAmount('0.10')).toBe(10);
    expect(parseAmount('0.1')).toBe(10);
    expect(parseAmount('5')).toBe(500);
    expect(parseAmount('1.005'.slice(0, 4))).toBe(100);
    expect(parseAmount('999999.99')).toBe(DEFAULT_MAX_CENTS);
  });

  it.each([
    ['64.175', 'too_many_decimals'],
    ['1e3', 'not_a_number'],
    ['-1.00', 'negative'],
    ['NaN', 'not_a_number'],
    ['Infinity', 'not_a_number'],
    ['', 'not_a_number'],
    ['12,34', 'not_a_number'],
    ['1000000.00', 'too_large'],
    ['99999999999999999999', 'too_large'],
  ])('rejects %s with %s', (text, code) => {
    const result = tryParseAmount(text);
    expect(isLeft(result) && result.left).toBeInstanceOf(AmountError);
    expect(isLeft(result) && result.left.code).toBe(code);
    expect(() => parseAmount(text)).toThrow(AmountError);
  });

  it('honours a configurable maximum', () => {
    expect(() => parseAmount('10.01', { max: 1000 })).toThrow(/maximum of 1000/);
    expect(parseAmount('10.00', { max: 1000 })).toBe(1000);
  });

  it('refuses floats, negatives and non-finite numbers as cents', () => {
    expect(() => cents(12.5)).toThrow(expect.objectContaining({ code: 'not_integer' }));
    expect(() => cents(-1)).toThrow(expect.objectContaining({ code: 'negative' }));
    expect(() => cents(Number.NaN)).toThrow(expect.objectContaining({ code: 'not_a_number' }));
    expect(() => cents(Number.POSITIVE_INFINITY)).toThrow(AmountError);
    expect(cents(6417)).toBe(6417);
  });

  it('property: parseAmount(formatAmount(x)) === x for every valid amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: DEFAULT_MAX_CENTS }),
        (x) => parseAmount(formatAmount(cents(x))) === x,
      ),
      { numRuns: 5000 },
    );
  });

  it('property: every two-decimal string parses to its digits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999999 }),
        fc.integer({ min: 0, max: 99 }),
        (units, hundredths) => {
          const text = `${units}.${String(hundredths).padStart(2, '0')}`;
          return parseAmount(text) === units * 100 + hundredths;
        },
      ),
    );
  });

  it('reads wire amounts as numbers or numeric strings', () => {
    expect(readCents(6417)).toBe(6417);
    expect(readCents('6417')).toBe(6417);
    expect(readCents('64.17')).toBeUndefined();
    expect(readCents(-5)).toBeUndefined();
    expect(readCents(null)).toBeUndefined();
  });
});

describe('one coded error base', () => {
  it('every typed error of the protocol is a CodedError with its code and an Error', async () => {
    const { CodedError, AmountError, FlowIdError } = await import('../src/index.js');
    const amount = new AmountError('negative', 'negative amount', -1);
    expect(amount).toBeInstanceOf(CodedError);
    expect(amount).toBeInstanceOf(Error);
    expect([amount.code, amount.name, amount.input]).toEqual(['negative', 'AmountError', -1]);
    const id = new FlowIdError('exhausted');
    expect([id instanceof CodedError, id.code]).toEqual([true, 'flow_id_space_exhausted']);
    const cause = new Error('disk');
    expect(new CodedError('x', 'y', { cause }).cause).toBe(cause);
  });
});

describe('describeAmountProblem', () => {
  it('speaks in the units typed and names the subject once, for every refusal of tryParseAmount', () => {
    const cases: [string, string][] = [
      ['abc', 'price must be an amount like 12.34, got "abc"'],
      ['1.234', 'price has more than two decimals: "1.234"'],
      ['-1', 'price must not be negative, got "-1"'],
      ['1000000', 'price 1000000 is over the maximum of 999999.99'],
    ];
    for (const [text, message] of cases) {
      const result = tryParseAmount(text);
      if (result._tag === 'Right') throw new Error(`${text} was accepted`);
      expect(describeAmountProblem('price', text, result.left.code)).toBe(message);
    }
    expect(describeAmountProblem('price', '0', 'zero')).toBe('price must be more than 0.00');
  });
});
