import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  classifyFinal,
  decodeFrame,
  endpointOfType,
  formatTransactionDate,
  type JsonObject,
  maskPan,
  normalizePath,
  parseTransactionDate,
  readResults,
  validateRequest,
} from '../src/index.js';
import * as F from './fixtures/frames.js';

function resourceOf(frame: string): JsonObject {
  const decoded = decodeFrame(frame);
  if (isLeft(decoded)) throw new Error(decoded.left.message);
  return decoded.right.resource;
}

describe('request resources', () => {
  it.each([
    [{ type: 'sale', amount: 6417 }],
    [{ type: 'sale', amount: '1000', tender_type: 'credit', clerk_id: 'KL0001', invoice_no: 'INV5' }],
    [{ type: 'sale', amount: 100, purchase_level_2: { tax_indicator: '2' } }],
    [{ type: 'refund', amount: 500 }],
    [{ type: 'void', reference_no: '3' }],
    [{ type: 'pre_auth', amount: 1000 }],
    [{ type: 'pre_auth_completion', amount: 1200, reference_no: '4' }],
    [{ type: 'tip_adjust', reference_no: '4', tip_amount: 200 }],
    [{ type: 'card_balance_inquiry', tender_type: 'gift' }],
    [{ type: 'reprint_receipt', reprint_type: 'customer_copy' }],
    [{ type: 'recall_last_transaction' }],
    [{ type: 'settlement', merchant_id: 'M1' }],
    [{ type: 'terminal_info' }],
    [{ type: 'set_date_time', date: '260726', time: '102001' }],
    [{ type: 'parameters_report', parameter_type: 'all' }],
    [{ type: 'recent_error' }],
    [{ type: 'tab_open', amount: 100 }],
    [{ action: 'start' }],
  ])('accepts %j', (resource) => {
    expect(isRight(validateRequest(resource))).toBe(true);
  });

  it.each([
    [null, 'not_object'],
    [{ amount: 1 }, 'missing_type'],
    [{ type: 'teleport' }, 'unknown_type'],
    [{ type: 'sale' }, 'bad_parameter'],
    [{ type: 'sale', amount: 12.5 }, 'bad_parameter'],
    [{ type: 'sale', amount: -1 }, 'bad_parameter'],
    [{ type: 'sale', amount: '12.50' }, 'bad_parameter'],
    [{ type: 'void' }, 'bad_parameter'],
    [{ type: 'set_date_time', date: '2026-07-26', time: '102001' }, 'bad_parameter'],
    [{ type: 'tab_open' }, 'bad_parameter'],
    [{ type: 'tab_open', amount: 'x' }, 'bad_parameter'],
    [{ action: 'pause' }, 'bad_parameter'],
  ])('rejects %j with %s', (resource, kind) => {
    const result = validateRequest(resource);
    expect(isLeft(result) && result.left.kind).toBe(kind);
  });

  it('names the faulty parameter', () => {
    const result = validateRequest({ type: 'sale', amount: 1.5 });
    expect(isLeft(result) && result.left).toMatchObject({ parameter: 'amount' });
    const missing = validateRequest({ type: 'void' });
    expect(isLeft(missing) && missing.left.message).toMatch(/reference_no/);
  });

  it('lets unknown types through only when asked', () => {
    expect(
      isRight(validateRequest({ type: 'custom_sale_transaction', amount: 1 }, { allowUnknownTypes: true })),
    ).toBe(true);
  });

  it('maps types to endpoints and normalizes paths', () => {
    expect(endpointOfType('sale')).toBe('/tsi/v1/payment');
    expect(endpointOfType('recent_error')).toBe('/tsi/v1/reports');
    expect(endpointOfType('terminal_info')).toBe('/tsi/v1/info');
    expect(endpointOfType('set_date_time')).toBe('/tsi/v1/config');
    expect(endpointOfType('nope')).toBeUndefined();
    expect(normalizePath('/Tsi/v1/Payment/')).toBe('/tsi/v1/payment');
    expect(normalizePath('/')).toBe('/');
  });
});

describe('results and outcomes', () => {
  it('reads the Bluefin sale with string amounts', () => {
    const outcome = classifyFinal(resourceOf(F.SALE_APPROVED));
    expect(outcome.kind).toBe('approved');
    expect(outcome.result).toMatchObject({
      authorizationNo: '191509',
      referenceNo: '3',
      totalAmount: 6417,
      transactionAmount: 6417,
      transactionDate: '26/07/14',
      card: {
        accountNo: '************2205',
        entryMode: { code: '0', text: 'magnetic_strip' },
        type: { code: '02', text: 'mastercard' },
      },
    });
  });

  it('reads the emulator sale with number amounts and emv', () => {
    const outcome = classifyFinal(resourceOf(F.EMULATOR_SALE));
    expect(outcome.kind).toBe('approved');
    expect(outcome.result?.totalAmount).toBe(6417);
    expect(outcome.result?.emv).toMatchObject({ aid: 'A0000001523010' });
  });

  it('classifies declines, cancels, user timeouts, errors, and `ok` as final success', () => {
    expect(classifyFinal(resourceOf(F.DECLINED)).kind).toBe('declined');
    expect(classifyFinal(resourceOf(F.CANCELLED)).kind).toBe('cancelled');
    expect(classifyFinal(resourceOf(F.TIMED_OUT)).kind).toBe('timed_out');
    const error = classifyFinal(resourceOf(F.ERROR_EVENT));
    expect(error.kind).toBe('error');
    expect(error.errorInfo?.text).toMatch(/JsonMapper/);
    const busy = classifyFinal(resourceOf(F.BUSY_RESPONSE));
    expect(busy).toMatchObject({ kind: 'error', errorInfo: { text: 'TSI busy', code: '0' } });
    expect(classifyFinal(resourceOf(F.SET_DATE_TIME_EVENT)).kind).toBe('approved');
    expect(classifyFinal({ status: 'weird' }).kind).toBe('error');
    expect(classifyFinal({ status: 'completed', results: [{ status: 'brand_new' }] }).kind).toBe('other');
    expect(classifyFinal({ status: 'completed' }).kind).toBe('completed');
  });

  it('reads terminal_info parameters with their odd trailing-colon keys', () => {
    const outcome = classifyFinal(resourceOf(F.TERMINAL_INFO_EVENT));
    expect(outcome.kind).toBe('completed');
    const params = outcome.result?.parameters;
    expect(params?.get('Package Name')).toBe('BFN');
    expect(params?.get('TSI version')).toBe('3.2.2');
    expect(params?.get('TSI library version')).toBe('3.2.2');
    expect(outcome.result?.raw.parameters).toHaveProperty(['TSI version: ']);
    const tags = classifyFinal(resourceOf(F.TERMINAL_INFO_UNKNOWN_TAGS)).result?.unknownTags;
    expect(tags?.get('RAM Available')).toBe('200MB');
  });

  it('reads both settlement events', () => {
    expect(readResults(resourceOf(F.SETTLEMENT_PROCEED))).toHaveLength(1);
    const done = readResults(resourceOf(F.SETTLEMENT_COMPLETED));
    expect(done).toHaveLength(2);
    expect(done[1]?.totalAmount).toBe(12834);
  });

  it('tolerates junk inside results', () => {
    const results = readResults({
      results: [1, null, 'x', { status: 5, card: 'nope', total_amount: 'abc' }],
    });
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe('5');
    expect(results[0]?.totalAmount).toBeUndefined();
    expect(results[0]?.card).toBeUndefined();
  });
});

describe('dates and masking', () => {
  it('parses YY/MM/DD and formats it back', () => {
    const d = parseTransactionDate('26/07/14', '04:21:22');
    expect(d?.getFullYear()).toBe(2026);
    expect(d?.getMonth()).toBe(6);
    expect(formatTransactionDate(d!)).toEqual({ date: '26/07/14', time: '04:21:22' });
    expect(parseTransactionDate('26/13/01')).toBeUndefined();
    expect(parseTransactionDate('26/02/31')).toBeUndefined();
  });

  it('masks PAN-like digit runs but not short numbers', () => {
    expect(maskPan('{"account_no":"4111111111111111","amount":6417}')).toBe(
      '{"account_no":"************1111","amount":6417}',
    );
  });
});
