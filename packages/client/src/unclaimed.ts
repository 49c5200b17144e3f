import type { UnclaimedEvent } from '@bluechip-ws/core';
import { withPartialApproval } from '@bluechip-ws/protocol/internal';
import { map, type Observable } from 'rxjs';

/**
 * The session classifies an unclaimed final result without its request; with the request at hand, an
 * approval for less than was asked becomes `partially_approved` here too, as it would have for the caller.
 * `acked` and `ack()` still read and act on the session's item.
 */
export function withRequestAmounts(unclaimed$: Observable<UnclaimedEvent>): Observable<UnclaimedEvent> {
  return unclaimed$.pipe(
    map((item) => {
      if (item.outcome === undefined || item.request === undefined) return item;
      const outcome = withPartialApproval(item.outcome, item.request);
      if (outcome === item.outcome) return item;
      return {
        flowId: item.flowId,
        reason: item.reason,
        ...(item.endpoint === undefined ? {} : { endpoint: item.endpoint }),
        resource: item.resource,
        final: item.final,
        outcome,
        request: item.request,
        ack: () => item.ack(),
        get acked() {
          return item.acked;
        },
      };
    }),
  );
}
