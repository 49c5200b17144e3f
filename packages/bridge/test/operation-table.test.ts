import {
  camelCase,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationRow,
  PARAMETERS,
  sharedParameters,
} from '@bluechip-ws/protocol';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { methodTable } from '../src/internal.js';
import { OPERATION_PARAMS } from '../src/schema/params.js';

const CALL_PARAMETERS = ['terminalId', 'idempotencyKey', 'flowId', 'timeouts'];

/** A value of the right kind for a parameter row. */
function sample(
  name: keyof typeof PARAMETERS,
  operation: (typeof OPERATIONS)[keyof typeof OPERATIONS],
): unknown {
  const row = PARAMETERS[name];
  if (row.kind === 'cents') return 125;
  if (row.kind === 'choice') {
    const choices: OperationRow['choices'] = 'choices' in operation ? operation.choices : undefined;
    const narrower = choices?.[name];
    return (narrower?.choices ?? row.choices)[0];
  }
  if (row.kind === 'level2') return { taxAmount: 5, productDescription: 'bolts' };
  return 'x1';
}

describe("the bridge's operation methods, read off the protocol's operation table", () => {
  const methods = methodTable();

  it('has one method per row, with its summary, and no row names a call parameter', () => {
    for (const name of OPERATION_NAMES) {
      expect(methods.get(name)?.summary).toBe(OPERATIONS[name].summary);
      expect(methods.get(name)?.resultSummary).toBe(OPERATIONS[name].result);
      const row = OPERATIONS[name];
      for (const param of [...row.required, ...row.optional]) {
        expect(CALL_PARAMETERS).not.toContain(camelCase(param));
      }
    }
  });

  it("accepts every row's parameters in camelCase and needs its required ones", () => {
    for (const name of OPERATION_NAMES) {
      const row = OPERATIONS[name];
      const params: Record<string, unknown> = { terminalId: 't1' };
      for (const param of [...row.required, ...row.optional, ...sharedParameters(row.shared)]) {
        params[camelCase(param)] = sample(param, row);
      }
      expect(isRight(OPERATION_PARAMS[name].decode(params)), name).toBe(true);
      for (const param of row.required) {
        const { [camelCase(param)]: _, ...without } = params;
        expect(isLeft(OPERATION_PARAMS[name].decode(without)), `${name} without ${param}`).toBe(true);
      }
    }
  });

  it("checks cents and the row's narrower choices", () => {
    expect(isLeft(OPERATION_PARAMS.sale.decode({ terminalId: 't1', amount: 1.5 }))).toBe(true);
    expect(isLeft(OPERATION_PARAMS.sale.decode({ terminalId: 't1', amount: '150' }))).toBe(true);
    expect(isRight(OPERATION_PARAMS.sale.decode({ terminalId: 't1', amount: 150, tenderType: 'cash' }))).toBe(
      true,
    );
    expect(isLeft(OPERATION_PARAMS.cardBalance.decode({ terminalId: 't1', tenderType: 'cash' }))).toBe(true);
    expect(isLeft(OPERATION_PARAMS.void.decode({ terminalId: 't1', referenceNo: '' }))).toBe(true);
  });
});
