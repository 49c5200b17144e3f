import { describe, expect, it } from 'vitest';
import { FAILURE_CASES, flowError } from '../../../test-support/failure-cases.js';
import { openRpcDocument } from '../src/index.js';
import { RPC_CODES, toRpcError } from '../src/internal.js';

/** The JSON-RPC error code each kind of the client's classifier maps to. */
const EXPECTED: Readonly<Record<string, number>> = {
  busy: RPC_CODES.terminalBusy,
  unreachable: RPC_CODES.unreachable,
  refused: RPC_CODES.refused,
  invalid: RPC_CODES.invalidParams,
  unknown: RPC_CODES.outcomeUnknown,
  pending: RPC_CODES.recoveryPending,
  aborted: RPC_CODES.requestCancelled,
  journal: RPC_CODES.journalFailed,
  protocol: RPC_CODES.terminalError,
  internal: RPC_CODES.internalError,
};

const OUTCOME_UNKNOWN = ['link_closed', 'response_timeout', 'event_timeout', 'flow_timeout'] as const;

describe("the bridge's errors, by the client's classifier", () => {
  it.each(FAILURE_CASES)('$name: $kind ($code)', ({ error, kind, code, outcomeUnknown }) => {
    const rpc = toRpcError(error());
    expect(rpc.code).toBe(EXPECTED[kind]);
    expect(rpc.data).toMatchObject({ code });
    if (outcomeUnknown) expect(rpc.data).toMatchObject({ outcomeUnknown: true });
  });

  it('says the one safe next step for every outcome-unknown error, in data.action and x-errors', () => {
    const document = openRpcDocument() as {
      'x-errors': { code: number; data: { codes: string[]; actions: Record<string, string> } }[];
    };
    const unknown = document['x-errors'].find((e) => e.code === RPC_CODES.outcomeUnknown);
    for (const code of OUTCOME_UNKNOWN) {
      const rpc = toRpcError(flowError(code, true));
      const action = (rpc.data as { action: string }).action;
      expect(action).toMatch(/retry with the same idempotencyKey/);
      expect(action).toMatch(/outcome\.get \/ reconcile/);
      expect(unknown?.data.codes).toContain(code);
      expect(unknown?.data.actions[code]).toBe(action);
    }
  });

  it('says what to do in the message of link_closed too', () => {
    const rpc = toRpcError(flowError('link_closed', true));
    expect(rpc.message).toMatch(/same idempotency key, or call outcome\.get \/ reconcile/);
  });
});
