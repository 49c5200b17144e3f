import fc from 'fast-check';
import type * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import {
  KnownRequest,
  PARAMETERS,
  REQUEST_CODECS,
  ReportRequest,
  TENDER_TYPES,
  TraceRequest,
  validateRequest,
} from '../src/index.js';
import { requestGuard } from '../src/resources/request-guard.js';

const codecs: [string, t.Mixed][] = [
  ...Object.entries(REQUEST_CODECS).map(([name, codec]) => [name, codec as t.Mixed] as [string, t.Mixed]),
  ['ReportRequest', ReportRequest],
  ['TraceRequest', TraceRequest],
  ['KnownRequest', KnownRequest],
];
const types = [...Object.keys(REQUEST_CODECS), 'batch_report', 'gift_activation', 'nope', ''];
const keys = [...Object.keys(PARAMETERS), 'type', 'action', 'date', 'time', 'parameter_type', 'extra'];

/** Values near and on every parameter kind's edges: cents, digit strings, choices, text, objects. */
const value = fc.oneof(
  { arbitrary: fc.nat(100_000), weight: 6 },
  fc.constantFrom(...types, ...TENDER_TYPES, 'start', 'stop', '261207', '123456', '12345', '0', '-1', '1e3'),
  fc.integer({ min: -5, max: 1_000_000 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1.5, Number.NaN, -0),
  fc.string({ maxLength: 8 }),
  fc.constantFrom(null, undefined, true, false, [], ['1'], {}, { tax_indicator: '2' }, { tax_indicator: 7 }),
);

/** Mostly a known `type` with a few parameters, so that every codec meets requests it accepts. */
const request = fc
  .tuple(
    fc.option(fc.constantFrom(...types), { freq: 5 }),
    fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }),
  )
  .map(([type, rest]): Record<string, unknown> => (type === null ? rest : { ...rest, type }));

describe('requestGuard', () => {
  it('agrees with io-ts .is for every request codec, on own and inherited enumerable keys', () => {
    fc.assert(
      fc.property(request, request, fc.boolean(), (own, inherited, withPrototype) => {
        const resource = withPrototype ? Object.assign(Object.create(inherited) as object, own) : own;
        for (const [name, codec] of codecs) {
          expect(requestGuard(codec)(resource), name).toBe(codec.is(resource));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with io-ts .is on values that are no plain object', () => {
    const tagged = { type: 'sale', amount: 1, [Symbol.toStringTag]: 'Sale' };
    for (const value of [
      null,
      undefined,
      7,
      'sale',
      [],
      [{ type: 'sale' }],
      new Date(0),
      new Map(),
      tagged,
    ]) {
      for (const [name, codec] of codecs) {
        expect(requestGuard(codec)(value), name).toBe(codec.is(value));
      }
    }
  });

  it('checks a required key that is present but undefined as io-ts does', () => {
    const sale = REQUEST_CODECS.sale as t.Mixed;
    expect(requestGuard(sale)({ type: 'sale', amount: undefined })).toBe(false);
    expect(requestGuard(sale)({ type: 'sale' })).toBe(false);
  });

  it('leaves out only non-enumerable keys, which JSON never sends', () => {
    const sale = REQUEST_CODECS.sale as t.Mixed;
    const resource = { type: 'sale', amount: 100 };
    Object.defineProperty(resource, 'tip_amount', { value: 'ten', enumerable: false });
    expect(sale.is(resource)).toBe(false);
    expect(requestGuard(sale)(resource)).toBe(true);
    expect(JSON.parse(JSON.stringify(resource))).toEqual({ type: 'sale', amount: 100 });
  });

  it('keeps validateRequest telling which parameter is wrong', () => {
    const result = validateRequest({ type: 'sale', amount: 100, tip_amount: 'ten' });
    expect(result).toMatchObject({ _tag: 'Left', left: { kind: 'bad_parameter', parameter: 'tip_amount' } });
  });
});
