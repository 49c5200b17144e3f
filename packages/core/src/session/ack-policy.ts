import type { AckMode, UnclaimedAckPolicy } from './types.js';

/** Who an event, already journaled, went to. */
export type Receiver =
  | { readonly kind: 'consumer'; readonly ackMode: AckMode; readonly trace: boolean }
  | { readonly kind: 'unclaimed'; readonly policy: UnclaimedAckPolicy };

/**
 * The one decision of when a journaled event is acked: at once (`auto` mode once the consumer's `next`
 * returned, trace events, unclaimed events under `after_journal`), or when someone calls its `ack()` (manual
 * mode, bounded by the ack stage; unclaimed events under `never`). No path acks an event before the journal
 * holds it: both callers ask only after the write.
 */
export function acksAtOnce(receiver: Receiver): boolean {
  return receiver.kind === 'consumer'
    ? receiver.ackMode === 'auto' || receiver.trace
    : receiver.policy === 'after_journal';
}

/** Events going to a flow's own consumer. */
export type ConsumerReceiver = Extract<Receiver, { readonly kind: 'consumer' }>;

/** The four consumer receivers, shared by every flow (a flow keeps a reference, not an object of its own). */
const CONSUMERS: Readonly<Record<AckMode, readonly [ConsumerReceiver, ConsumerReceiver]>> = {
  auto: [
    { kind: 'consumer', ackMode: 'auto', trace: false },
    { kind: 'consumer', ackMode: 'auto', trace: true },
  ],
  manual: [
    { kind: 'consumer', ackMode: 'manual', trace: false },
    { kind: 'consumer', ackMode: 'manual', trace: true },
  ],
};

export function consumerReceiver(ackMode: AckMode, trace: boolean): ConsumerReceiver {
  return CONSUMERS[ackMode][trace ? 1 : 0];
}
