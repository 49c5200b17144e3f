import { describe, expect, it } from 'vitest';
import {
  ENDPOINTS,
  effectOf,
  endpointOfType,
  isTransaction,
  REQUEST_TYPES,
  REQUIRED_PARAMETERS,
  requestTypeRow,
  sendsAmountToHost,
  typesWhere,
} from '../src/index.js';

const known = Object.keys(REQUEST_TYPES);

describe('the request-type table', () => {
  it('has the transactions recovery, certify and the simulator treat as moving money', () => {
    expect(known.filter(isTransaction).sort()).toEqual(
      [
        'auth_only',
        'force',
        'pre_auth',
        'pre_auth_completion',
        'refund',
        'sale',
        'tip_adjust',
        'void',
      ].sort(),
    );
    expect(known.filter(sendsAmountToHost).sort()).toEqual(
      ['auth_only', 'force', 'pre_auth', 'pre_auth_completion', 'refund', 'sale'].sort(),
    );
    expect([...typesWhere((row) => row.effect === 'charge')].sort()).toEqual(
      ['auth_only', 'force', 'pre_auth_completion', 'sale'].sort(),
    );
    expect(typesWhere((row) => row.refusesZeroAmount === true)).toEqual(['sale', 'refund']);
  });

  it('says what every known type needs, and nothing for other strings (own rows only)', () => {
    expect(REQUIRED_PARAMETERS.get('tip_adjust')).toEqual(['reference_no', 'tip_amount']);
    expect(REQUIRED_PARAMETERS.get('set_date_time')).toEqual(['date', 'time']);
    expect(REQUIRED_PARAMETERS.get('pre_auth_completion')).toEqual(['amount', 'reference_no']);
    expect(REQUIRED_PARAMETERS.has('terminal_info')).toBe(false);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(requestTypeRow(name)).toBeUndefined();
      expect(endpointOfType(name)).toBeUndefined();
      expect(effectOf(name)).toBeUndefined();
      expect(isTransaction(name)).toBe(false);
    }
  });

  it('routes each type to its endpoint; recall is served on reports too', () => {
    expect(endpointOfType('sale')).toBe(ENDPOINTS.payment);
    expect(endpointOfType('summary_report')).toBe(ENDPOINTS.reports);
    expect(endpointOfType('terminal_info')).toBe(ENDPOINTS.info);
    expect(endpointOfType('set_date_time')).toBe(ENDPOINTS.config);
    expect(requestTypeRow('recall_last_transaction')?.alsoOn).toBe('reports');
  });
});
