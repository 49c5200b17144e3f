import { classifyFinal, type JsonObject, type Outcome } from '@bluechip-ws/protocol';
import type { FlowEvent } from './types.js';

/**
 * A `FlowEvent` as handed to a consumer. The outcome of a final event is classified on first read: most
 * consumers read it once, and a wrapper that only journals or forwards never pays for it.
 */
export class DeliveredEvent implements FlowEvent {
  readonly type = 'event';
  private classified: Outcome | undefined;

  constructor(
    readonly flowId: string,
    readonly status: string,
    readonly final: boolean,
    readonly resource: JsonObject,
    readonly source: 'event' | 'response',
    readonly ack: () => void,
  ) {}

  get outcome(): Outcome | undefined {
    if (!this.final) return undefined;
    this.classified ??= classifyFinal(this.resource);
    return this.classified;
  }
}
