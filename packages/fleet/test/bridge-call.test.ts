import type { Bridge } from '@bluechip-ws/bridge';
import { describe, expect, it } from 'vitest';
import { callBridge } from '../src/bridge-call.js';

/** Issue 24, defect 12: what a bad request left behind was its bridge connection, and with it the params. */
describe('callBridge', () => {
  it('a dispatcher that throws still ends the call with one typed answer and closes its connection', async () => {
    let open = 0;
    const throwing = {
      connect: () => {
        open++;
        return {
          receive: () => {
            throw new RangeError('Maximum call stack size exceeded');
          },
          close: () => {
            open--;
          },
        };
      },
    } as unknown as Bridge;
    const params = { amount: 'x'.repeat(1000) };
    const answers = await Promise.all(Array.from({ length: 20 }, () => callBridge(throwing, 'sale', params)));
    for (const answer of answers) {
      expect(answer).toMatchObject({
        error: { code: -32603, data: { code: 'internal_error', outcomeUnknown: true } },
      });
    }
    expect(open).toBe(0);
  });
});
