import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CardBalanceInquiryRequest,
  CENTS_PARAMETERS,
  type Cents,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationParams,
  PARAMETERS,
  parameterLabel,
  REQUEST_CODECS,
  REQUEST_TYPES,
  type SaleRequest,
  validateRequest,
} from '../src/index.js';

describe('the operation table', () => {
  it('names known request types and documented parameters only, each once per row', () => {
    for (const name of OPERATION_NAMES) {
      const row = OPERATIONS[name];
      expect(Object.hasOwn(REQUEST_TYPES, row.type)).toBe(true);
      const own = [...row.required, ...row.optional];
      expect(new Set(own).size).toBe(own.length);
      for (const param of own) expect(Object.hasOwn(PARAMETERS, param)).toBe(true);
    }
  });

  it('requires what the request-type table says the terminal cannot do without', () => {
    for (const name of OPERATION_NAMES) {
      const row = OPERATIONS[name];
      const requires: readonly string[] =
        (REQUEST_TYPES[row.type] as { requires?: readonly string[] }).requires ?? [];
      expect([...row.required].sort()).toEqual([...requires].sort());
    }
  });

  it('derives a typed request codec per row, with the row own narrower choices', () => {
    for (const name of OPERATION_NAMES) expect(REQUEST_CODECS[OPERATIONS[name].type]).toBeDefined();
    expect(isRight(validateRequest({ type: 'sale', amount: 100, tender_type: 'cash' }))).toBe(true);
    expect(isLeft(validateRequest({ type: 'sale', amount: 100, tender_type: 'coins' }))).toBe(true);
    expect(isLeft(validateRequest({ type: 'sale' }))).toBe(true);
    expect(isRight(validateRequest({ type: 'card_balance_inquiry', tender_type: 'gift' }))).toBe(true);
    expect(isLeft(validateRequest({ type: 'card_balance_inquiry', tender_type: 'cash' }))).toBe(true);
    expect(isRight(validateRequest({ type: 'void', reference_no: '12', merchant_id: 'm', token: 't' }))).toBe(
      true,
    );
    expect(isLeft(validateRequest({ type: 'tip_adjust', reference_no: '12' }))).toBe(true);
  });

  it('lists the amounts in cents, and a human label for every parameter', () => {
    expect([...CENTS_PARAMETERS].sort()).toEqual(['amount', 'dcc_amount', 'tip_amount']);
    expect(parameterLabel('tender_type')).toBe('Tender type');
    expect(parameterLabel('no_such_thing')).toBe('no_such_thing');
    expect(parameterLabel('constructor')).toBe('constructor');
  });

  it('looks parameters and types up by own keys only: a prototype-named key is an unknown one', () => {
    expect(REQUEST_CODECS.constructor).toBeUndefined();
    const checked = validateRequest({ type: 'auth_only', amount: 1, constructor: 'x', toString: 'y' });
    expect(isRight(checked)).toBe(true);
  });

  it('types the API parameters from the rows (camelCase, Cents, narrower choices)', () => {
    expectTypeOf<OperationParams<'sale'>['amount']>().toEqualTypeOf<Cents>();
    expectTypeOf<OperationParams<'cardBalance'>['tenderType']>().toEqualTypeOf<
      'credit' | 'debit' | 'ebt' | 'gift' | undefined
    >();
    expectTypeOf<OperationParams<'void'>>().toHaveProperty('referenceNo');
    expectTypeOf<keyof OperationParams<'settlement'>>().toEqualTypeOf<'merchantId'>();
    expectTypeOf<SaleRequest['type']>().toEqualTypeOf<'sale'>();
    expectTypeOf<SaleRequest['amount']>().toEqualTypeOf<number | string>();
    expectTypeOf<NonNullable<CardBalanceInquiryRequest['tender_type']>>().toEqualTypeOf<
      'credit' | 'debit' | 'ebt' | 'gift'
    >();
  });
});
