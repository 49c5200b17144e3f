import { decodeFrame, type Envelope, type JsonObject } from '@bluechip-ws/protocol';
import { MemoryNetwork, type MemoryNetworkOptions } from '@bluechip-ws/transport-memory';
import { VirtualTimeScheduler } from 'rxjs';
import {
  type Diagnostic,
  type FlowUpdate,
  type Link,
  MemoryJournal,
  Session,
  type SessionOptions,
  type UnclaimedEvent,
} from '../../src/index.js';

/** A scripted terminal on the far side of the memory network: records what the POS sent, sends what a test says. */
export class ScriptedTerminal {
  readonly links: Link[] = [];
  readonly received: { path: string; envelope: Envelope }[] = [];

  constructor(network: MemoryNetwork) {
    network.server.connections$.subscribe((link) => {
      this.links.push(link);
      link.frames$.subscribe((frame) => {
        if (typeof frame !== 'string') return;
        const decoded = decodeFrame(frame);
        if (decoded._tag === 'Right') this.received.push({ path: link.path, envelope: decoded.right });
      });
    });
  }

  get link(): Link {
    const link = this.links[this.links.length - 1];
    if (link === undefined) throw new Error('no connection yet');
    return link;
  }

  requests(): Envelope[] {
    return this.received.filter((r) => r.envelope.kind === 'request').map((r) => r.envelope);
  }

  acks(flowId?: string): Envelope[] {
    return this.received
      .filter(
        (r) => r.envelope.kind === 'event_ack' && (flowId === undefined || r.envelope.flow_id === flowId),
      )
      .map((r) => r.envelope);
  }

  lastFlowId(): string {
    const requests = this.requests();
    const last = requests[requests.length - 1];
    if (last === undefined) throw new Error('no request yet');
    return last.flow_id;
  }

  send(frame: string | JsonObject): void {
    this.link.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  started(flowId: string, endpoint?: string): void {
    this.send({
      response: { flow_id: flowId, ...(endpoint ? { endpoint } : {}), resource: { status: 'started' } },
    });
  }

  event(flowId: string, resource: JsonObject, endpoint?: string): void {
    this.send({ event: { flow_id: flowId, ...(endpoint ? { endpoint } : {}), resource } });
  }
}

export const approved = (reference = '3'): JsonObject => ({
  status: 'completed',
  results: [
    {
      status: 'approved',
      type: 'sale',
      reference_no: reference,
      total_amount: '6417',
      authorization_no: '191509',
    },
  ],
});

export const proceed: JsonObject = {
  status: 'proceed',
  results: [{ status: 'approved', type: 'settlement' }],
};

export interface Harness {
  scheduler: VirtualTimeScheduler;
  network: MemoryNetwork;
  terminal: ScriptedTerminal;
  journal: MemoryJournal;
  session: Session;
  diagnostics: Diagnostic[];
  unclaimed: UnclaimedEvent[];
  /** Runs everything due within `ms` of virtual time. */
  advance(ms?: number): void;
  /** Subscribes to a flow and records what it emits. */
  record(flow$: ReturnType<Session['flow']>, onNext?: (u: FlowUpdate) => void): Recorded;
}

export interface Recorded {
  updates: FlowUpdate[];
  error: unknown;
  completed: boolean;
  unsubscribe(): void;
}

export function harness(options: SessionOptions = {}, networkOptions: MemoryNetworkOptions = {}): Harness {
  const scheduler = new VirtualTimeScheduler();
  const network = new MemoryNetwork({ scheduler, ...networkOptions });
  const terminal = new ScriptedTerminal(network);
  const journal = new MemoryJournal();
  const session = new Session(network.transport, {
    scheduler,
    journal,
    now: () => scheduler.now(),
    ...options,
  });
  const diagnostics: Diagnostic[] = [];
  const unclaimed: UnclaimedEvent[] = [];
  session.diagnostics$.subscribe((d) => diagnostics.push(d));
  session.unclaimed$.subscribe((u) => unclaimed.push(u));
  let clock = 0;
  const advance = (ms = 0) => {
    // VirtualTimeScheduler only moves its clock to actions it runs: keep our own, so time accumulates.
    clock += ms;
    scheduler.maxFrames = clock;
    scheduler.flush();
    scheduler.frame = clock;
  };
  const record = (flow$: ReturnType<Session['flow']>, onNext?: (u: FlowUpdate) => void): Recorded => {
    const recorded: Recorded = {
      updates: [],
      error: undefined,
      completed: false,
      unsubscribe: () => undefined,
    };
    const subscription = flow$.subscribe({
      next: (u) => {
        recorded.updates.push(u);
        onNext?.(u);
      },
      error: (e: unknown) => {
        recorded.error = e;
      },
      complete: () => {
        recorded.completed = true;
      },
    });
    recorded.unsubscribe = () => subscription.unsubscribe();
    return recorded;
  };
  return { scheduler, network, terminal, journal, session, diagnostics, unclaimed, advance, record };
}
