import { formatAmount, PAYMENT_TYPES, REPORT_TYPES, REQUIRED_PARAMETERS } from '@bluechip-ws/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldError, formFor, resourceFrom } from '../src/page/form-fields.js';

describe('the workbench form, from the protocol tables', () => {
  it('a sale: amount required (currency units), its own optional fields, then every other parameter', () => {
    const form = formFor('sale');
    expect(form.fields[0]).toEqual({ name: 'amount', label: 'Amount', kind: 'amount', required: true });
    expect(form.fields.find((f) => f.name === 'tender_type')).toMatchObject({
      label: 'Tender type',
      kind: 'choice',
      choices: ['all', 'cash', 'credit', 'debit', 'ebt', 'gift'],
    });
    expect(form.fields.find((f) => f.name === 'purchase_level_2')?.kind).toBe('json');
    expect(form.fields.find((f) => f.name === 'order_number')?.kind).toBe('text');
    expect(form.more.map((f) => f.name)).toContain('merchant_id');
    const names = [...form.fields, ...form.more].map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("a card balance inquiry offers the row's narrower tender types; a reprint its copies", () => {
    expect(formFor('card_balance_inquiry').fields.find((f) => f.name === 'tender_type')?.choices).toEqual([
      'credit',
      'debit',
      'ebt',
      'gift',
    ]);
    expect(formFor('reprint_receipt').fields[0]).toMatchObject({ label: 'Copy to reprint', kind: 'choice' });
  });

  it('every known type gets a form whose required fields are those the protocol requires', () => {
    for (const type of [...PAYMENT_TYPES, ...REPORT_TYPES, 'terminal_info', 'set_date_time']) {
      const required = formFor(type)
        .fields.filter((f) => f.required)
        .map((f) => f.name);
      for (const name of REQUIRED_PARAMETERS.get(type) ?? []) expect(required, type).toContain(name);
    }
  });

  it('amounts in currency units become exact cents on the wire (parseAmount), for every amount', () => {
    const form = formFor('sale');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (cents) => {
        const resource = resourceFrom(form, new Map([['amount', formatAmount(cents)]]));
        expect(resource).toEqual({ type: 'sale', amount: cents });
      }),
    );
  });

  it('refuses what the protocol refuses, naming the field', () => {
    const sale = formFor('sale');
    const error = (values: [string, string][]) => {
      try {
        resourceFrom(sale, new Map(values));
      } catch (e) {
        return e as FieldError;
      }
      throw new Error('accepted');
    };
    expect(error([])).toMatchObject({ field: 'amount', message: 'Amount (amount) is required for sale' });
    expect(error([['amount', '12.345']])).toMatchObject({ field: 'amount' });
    expect(error([['amount', '-1']])).toBeInstanceOf(FieldError);
    expect(
      error([
        ['amount', '1'],
        ['tender_type', 'bitcoin'],
      ]),
    ).toMatchObject({ field: 'tender_type' });
    expect(
      error([
        ['amount', '1'],
        ['purchase_level_2', '{oops'],
      ]),
    ).toMatchObject({ field: 'purchase_level_2' });
  });

  it('leaves empty optional fields out and parses JSON ones', () => {
    const resource = resourceFrom(
      formFor('sale'),
      new Map([
        ['amount', '0.07'],
        ['order_number', ' A-1 '],
        ['purchase_level_2', '{"tax_amount":"1"}'],
        ['clerk_id', ''],
      ]),
    );
    expect(resource).toEqual({
      type: 'sale',
      amount: 7,
      order_number: 'A-1',
      purchase_level_2: { tax_amount: '1' },
    });
  });
});
