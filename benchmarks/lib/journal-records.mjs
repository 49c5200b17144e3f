// The record mix of the journal benchmarks, importable in Node and (bundled) in a browser page: each flow
// writes its request, started, a final event carrying a sale result, the ack, and its end.
import { SALE_RESULT } from './frames.mjs';

const SALE_FINAL = { status: 'completed', results: [SALE_RESULT] };

export function recordSource() {
  let n = 0;
  return () => {
    const flowId = `b${Math.floor(n / 5)}`;
    const at = Date.now();
    switch (n++ % 5) {
      case 0:
        return {
          kind: 'request_sent',
          flowId,
          at,
          endpoint: '/tsi/v1/payment',
          resource: { type: 'sale', amount: 6417 },
        };
      case 1:
        return { kind: 'started', flowId, at };
      case 2:
        return { kind: 'event', flowId, at, status: 'completed', final: true, resource: SALE_FINAL };
      case 3:
        return { kind: 'ack_sent', flowId, at, status: 'ok' };
      default:
        return { kind: 'flow_ended', flowId, at, outcome: 'completed' };
    }
  };
}
