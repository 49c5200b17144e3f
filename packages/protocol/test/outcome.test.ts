import { describe, expect, it } from 'vitest';
import { classifyFinal, maskCardNumbers, maskPan, RESULT_KINDS } from '../src/internal.js';

describe('maskCardNumbers: only card-number fields change', () => {
  const result = {
    status: 'approved',
    invoice_no: '4111111111111111',
    transaction_id: '123456789012345678',
    card: { account_no: '4761739001010119', type: { code: '01', text: 'visa' } },
    emv: { aid: 'A0000000031010', application_label: 'VISA CREDIT', data: { '9F06': '000000003101099' } },
    unknown: [{ report_tag_label: 'PAN', report_tag_value: 'x' }],
  };

  it('masks account_no and keeps the EMV AID, invoice and transaction numbers as sent', () => {
    const masked = maskCardNumbers(result);
    expect(masked.card.account_no).toBe('************0119');
    expect({ ...masked, card: result.card }).toEqual(result);
    // the log-line masker keeps them too, and masks the PAN
    const line = maskPan(JSON.stringify(result));
    expect(line).toContain('A0000000031010');
    expect(line).toContain('"transaction_id":"123456789012345678"');
    expect(line).not.toContain('4761739001010119');
  });

  it('maskPan masks only card data in free text: Luhn-valid stand-alone PANs and track data', () => {
    expect(maskPan('AID A0000000041010 card 5413330089010434 ref 123456789012')).toBe(
      'AID A0000000041010 card ************0434 ref 123456789012',
    );
    expect(maskPan('t2 ;4761739001010119=2512101123456789?')).toBe(`t2 ;${'*'.repeat(34)}`);
    expect(maskPan('t1 %B4761739001010119^DOE/JOHN^2512101?')).not.toContain('4761739001010119');
    expect(maskPan('t1 %B4761739001010119^DOE/JOHN^2512101?')).not.toContain('DOE');
    expect(maskPan('{"pan":4761739001010119}')).toBe('{"pan":************0119}');
  });

  it('leaves the input untouched, masks at any depth and in arrays, keeps __proto__ keys inert', () => {
    const nested = JSON.parse('{"results":[{"pan":"5413330089010434","__proto__":{"polluted":1}}]}');
    const masked = maskCardNumbers(nested) as { results: Record<string, unknown>[] };
    expect(masked.results[0]?.pan).toBe('************0434');
    expect(nested.results[0].pan).toBe('5413330089010434');
    expect(Object.hasOwn(masked.results[0] ?? {}, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(maskCardNumbers({ card_number: 4761739001010119 })).toEqual({ card_number: '************0119' });
    expect(maskCardNumbers({ account_no: '************2205' })).toEqual({ account_no: '************2205' });
  });
});

describe('classifyFinal', () => {
  const final = (result: Record<string, unknown>, status = 'completed') => ({ status, results: [result] });

  it('classifies every result status the protocol notes and the simulator know', () => {
    const expected = {
      approved: 'approved',
      decline_by_host_or_card: 'declined',
      declined: 'declined',
      cancelled_by_user: 'cancelled',
      timeout_on_user_input: 'timed_out',
      transaction_record_not_found: 'not_found',
      receipt_information: 'completed',
    };
    expect(RESULT_KINDS).toEqual(expected);
    for (const [status, kind] of Object.entries(expected)) {
      expect(classifyFinal(final({ status })).kind).toBe(kind);
    }
    expect(classifyFinal(final({ status: 'decline_pin' })).kind).toBe('declined');
    expect(classifyFinal(final({ status: 'something_new' })).kind).toBe('other');
    expect(classifyFinal(final({ status: 'constructor' })).kind).toBe('other');
  });

  it('keeps error_info (code, extended code, text) on error outcomes', () => {
    const outcome = classifyFinal({
      status: 'error',
      error_info: { code: 12, code_extended: '3401', text: 'mapping failure' },
    });
    expect(outcome).toMatchObject({
      kind: 'error',
      errorInfo: { code: '12', code_extended: '3401', text: 'mapping failure' },
    });
  });

  it('an approval for another amount than requested is partially_approved, with both amounts', () => {
    const request = { type: 'sale', amount: 1234 };
    const partial = classifyFinal(final({ status: 'approved', transaction_amount: '1000' }), request);
    expect(partial).toMatchObject({
      kind: 'partially_approved',
      partial: { requested: 1234, approved: 1000 },
    });
    // total_amount less the tip, when transaction_amount is missing
    const byTotal = classifyFinal(final({ status: 'approved', total_amount: 1100, tip_amount: 100 }), {
      amount: 1234,
      tip_amount: 100,
    });
    expect(byTotal.partial).toEqual({ requested: 1234, approved: 1000 });
    const full = classifyFinal(final({ status: 'approved', transaction_amount: 1234, total_amount: 1334 }), {
      amount: 1234,
      tip_amount: 100,
    });
    expect(full.kind).toBe('approved');
    expect(full.partial).toBeUndefined();
    // without the request, or without amounts in the result, nothing is inferred
    expect(classifyFinal(final({ status: 'approved', transaction_amount: '1000' })).kind).toBe('approved');
    expect(classifyFinal(final({ status: 'approved' }), request).kind).toBe('approved');
    // a decline is never partial
    expect(classifyFinal(final({ status: 'declined', transaction_amount: '0' }), request).kind).toBe(
      'declined',
    );
  });
});
