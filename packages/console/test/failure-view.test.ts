import { toRpcError } from '@bluechip-ws/bridge/internal';
import { describe, expect, it } from 'vitest';
import { FAILURE_CASES, flowError } from '../../../test-support/failure-cases.js';
import { failureView } from '../src/page/failure-view.js';
import type { RpcError } from '../src/page/rpc.js';

const viewOf = (error: unknown) => failureView(toRpcError(error) as RpcError, new Error('call failed'));

describe("the console shows the client's failure classification, as the bridge sends it", () => {
  it.each(FAILURE_CASES)('$name: $kind ($code)', ({ error, kind }) => {
    expect(viewOf(error()).kind).toBe(kind);
  });

  it('says the one safe next step for every outcome-unknown error', () => {
    for (const code of ['link_closed', 'response_timeout', 'event_timeout', 'flow_timeout'] as const) {
      const view = viewOf(flowError(code, true));
      expect(view.title).toBe('OUTCOME UNKNOWN');
      expect(view.status).toMatch(/retry with the same idempotencyKey/);
      expect(view.status).toMatch(/outcome\.get \/ reconcile/);
    }
  });

  it('a 409 handshake is busy, as in the CLI', () => {
    const view = viewOf(FAILURE_CASES.find((c) => c.name.startsWith('handshake'))?.error());
    expect(view).toMatchObject({ kind: 'busy', title: 'BUSY' });
  });

  it('a bridge error without a kind is a plain error', () => {
    expect(failureView({ code: -32006, message: 'unknown terminal' }, new Error('x'))).toMatchObject({
      kind: 'error',
      title: 'ERROR',
    });
  });
});
