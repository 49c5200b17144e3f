import { classifyFinal, type Envelope, type JsonObject } from '@bluechip-ws/protocol';
import type { Link } from '../transport.js';
import { acksAtOnce, type Receiver } from './ack-policy.js';
import type { Acks } from './acks.js';
import type { EventState } from './event-state.js';
import type { FlowRecorder } from './flow-recorder.js';
import type { UnclaimedAckPolicy, UnclaimedEvent, UnclaimedReason } from './types.js';

/**
 * Surfaces events no live consumer takes on `unclaimed$`: for unknown or finished flows, finals that
 * contradict a flow's first one, and events the session gives up on (timed out, consumer gone). Each comes
 * here journaled already (by `EventPath` or the flow) and is acked by `Acks`, at once under `after_journal`;
 * none is dropped.
 */
export class UnclaimedEvents {
  private readonly receiver: Receiver;

  constructor(
    private readonly recorder: FlowRecorder,
    private readonly acks: Acks,
    policy: UnclaimedAckPolicy,
    private readonly publish: (item: UnclaimedEvent) => void,
  ) {
    this.receiver = { kind: 'unclaimed', policy };
  }

  /** Surfaces a final that contradicts its flow's first one: journaled and acked already, never an outcome. */
  publishConflict(
    flowId: string,
    conflicting: JsonObject,
    endpoint: string | undefined,
    request: JsonObject | undefined,
  ): void {
    this.publish({
      flowId,
      reason: 'conflicting_final',
      resource: conflicting,
      final: true,
      outcome: classifyFinal(conflicting),
      acked: true,
      ack: () => undefined,
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(request === undefined ? {} : { request }),
    });
  }

  /** Surfaces a final `completed` response nobody takes: journaled already, and a response needs no ack. */
  emitResponse(flowId: string, reason: UnclaimedReason, resource: JsonObject, request: JsonObject): void {
    this.publish({
      flowId,
      reason,
      resource,
      final: true,
      outcome: classifyFinal(resource),
      request,
      acked: true,
      ack: () => undefined,
    });
  }

  /** Surfaces an event nobody takes (journaled already), acked now under the `after_journal` policy. */
  emit(
    flowId: string,
    reason: UnclaimedReason,
    request: JsonObject | undefined,
    link: Link,
    envelope: Envelope,
    state: EventState,
    final: boolean,
  ): void {
    const ack = () => {
      if (state.acked) return;
      this.acks.first(flowId, link, state);
      if (final) this.recorder.ended(flowId, 'completed');
    };
    const item: UnclaimedEvent = {
      flowId,
      reason,
      resource: envelope.resource,
      final,
      ack,
      get acked() {
        return state.acked;
      },
      ...(envelope.endpoint === undefined ? {} : { endpoint: envelope.endpoint }),
      ...(final ? { outcome: classifyFinal(envelope.resource) } : {}),
      ...(request === undefined ? {} : { request }),
    };
    // Journaled already: acking now can never lose the result.
    if (acksAtOnce(this.receiver)) ack();
    this.publish(item);
  }
}
