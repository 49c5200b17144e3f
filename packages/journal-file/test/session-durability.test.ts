import {
  type FlowUpdate,
  type Frame,
  type Link,
  type LinkClose,
  Session,
  type Transport,
} from '@bluechip-ws/core';
import { Observable, ReplaySubject, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { openFileJournal } from '../src/index.js';
import { useTempDirs } from './support.js';

const tempDir = useTempDirs();

/** The terminal's side of one link, driven by the test. */
class TerminalLink implements Link {
  private readonly incoming = new Subject<Frame>();
  private readonly closedSubject = new ReplaySubject<LinkClose>(1);
  readonly frames$ = this.incoming.asObservable();
  readonly closed$ = this.closedSubject.asObservable();
  readonly sent: Record<string, { flow_id: string; resource: Record<string, unknown> }>[] = [];
  isOpen = true;

  constructor(readonly path: string) {}

  send(frame: string): void {
    this.sent.push(JSON.parse(frame));
  }

  close(reason = 'closed'): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.incoming.complete();
    this.closedSubject.next({ reason, clean: true });
    this.closedSubject.complete();
  }

  receive(envelope: unknown): void {
    this.incoming.next(JSON.stringify(envelope));
  }

  acks(): number {
    return this.sent.filter((frame) => 'event_ack' in frame).length;
  }
}

class OneLinkTransport implements Transport {
  readonly links: TerminalLink[] = [];
  open(path: string): Observable<Link> {
    return new Observable<Link>((subscriber) => {
      const link = new TerminalLink(path);
      this.links.push(link);
      subscriber.next(link);
      subscriber.complete();
    });
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('Session over a FileJournal', () => {
  it('acks the final event only once its record is durable, and the journal shows the flow settled', async () => {
    const dir = await tempDir();
    const journal = await openFileJournal(dir, { durability: 'fdatasync' });
    // Hold syncs on demand, to see what the session does while a record is not yet durable.
    type Writer = { sync(): Promise<void> };
    const writer = (journal as unknown as { writer: Writer }).writer;
    const sync = writer.sync.bind(writer);
    let held: (() => void) | undefined;
    let holding = false;
    writer.sync = async () => {
      if (holding) await new Promise<void>((resolve) => (held = resolve));
      return sync();
    };

    const transport = new OneLinkTransport();
    const session = new Session(transport, { journal });
    const updates: FlowUpdate[] = [];
    let completed = false;
    session.flow('payment', { type: 'sale', amount: 6417 }, { idempotencyKey: 'order-42' }).subscribe({
      next: (update) => updates.push(update),
      complete: () => {
        completed = true;
      },
    });
    await until(() => transport.links[0]?.sent.length === 1, 'the request');
    const link = transport.links[0]!;
    const flowId = link.sent[0]!.request!.flow_id;

    link.receive({ response: { flow_id: flowId, resource: { status: 'started' } } });
    await until(() => updates.length === 1, 'started');
    holding = true;
    link.receive({
      event: {
        flow_id: flowId,
        resource: { status: 'completed', results: [{ status: 'approved', type: 'sale' }] },
      },
    });
    await until(() => held !== undefined, 'the final event to be written');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(link.acks()).toBe(0);
    holding = false;
    held!();
    await until(() => link.acks() === 1 && completed, 'the ack');

    session.close();
    await journal.close();
    const reopened = await openFileJournal(dir);
    const flow = await reopened.byIdempotencyKey('order-42');
    expect(flow).toMatchObject({ flowId, started: true, finalAcked: true, ended: { outcome: 'completed' } });
    expect(flow?.final).toMatchObject({ status: 'completed' });
    expect(await reopened.openFlows()).toEqual([]);
    await reopened.close();
  });
});

describe('a new process on the same FileJournal (money safety)', () => {
  const approvedFinal = {
    status: 'completed',
    results: [{ status: 'approved', type: 'sale', total_amount: '6417' }],
  };
  const declinedFinal = {
    status: 'completed',
    results: [{ status: 'declined', type: 'sale', total_amount: '200' }],
  };

  /** One process: a sale with flow id `id` answered by `final`, then the journal closed. */
  async function saleInProcess(dir: string, id: string, key: string, final: object): Promise<void> {
    const journal = await openFileJournal(dir);
    const transport = new OneLinkTransport();
    const session = new Session(transport, { journal, flowIds: () => id });
    let completed = false;
    session.flow('payment', { type: 'sale', amount: 6417 }, { idempotencyKey: key }).subscribe({
      complete: () => {
        completed = true;
      },
      error: () => undefined,
    });
    await until(() => transport.links[0]?.sent.length === 1, 'the request');
    const link = transport.links[0]!;
    const flowId = link.sent[0]!.request!.flow_id;
    link.receive({ response: { flow_id: flowId, resource: { status: 'started' } } });
    link.receive({ event: { flow_id: flowId, resource: final } });
    await until(() => completed, 'the flow to complete');
    session.close();
    await journal.close();
  }

  it('a flow id drawn again by the next process is refused before sending: the old order keeps its result', async () => {
    const dir = await tempDir();
    await saleInProcess(dir, '123456', 'order-1', approvedFinal);
    const journal = await openFileJournal(dir);
    const transport = new OneLinkTransport();
    const session = new Session(transport, { journal, flowIds: () => '123456' });
    let error: unknown;
    session.flow('payment', { type: 'sale', amount: 200 }, { idempotencyKey: 'order-2' }).subscribe({
      error: (e: unknown) => {
        error = e;
      },
    });
    await until(() => error !== undefined, 'the refusal');
    expect(error).toMatchObject({ code: 'flow_id_reused', outcomeUnknown: false });
    expect(transport.links.flatMap((l) => l.sent)).toEqual([]);
    expect(await journal.byIdempotencyKey('order-1')).toMatchObject({
      flowId: '123456',
      final: approvedFinal,
    });
    expect(await journal.byIdempotencyKey('order-2')).toBeUndefined();
    session.close();
    await journal.close();
  });

  it('a resend of a final the previous process acked is re-acked, not reported as new money', async () => {
    const dir = await tempDir();
    await saleInProcess(dir, '654321', 'order-1', approvedFinal);
    const journal = await openFileJournal(dir);
    const transport = new OneLinkTransport();
    const session = new Session(transport, { journal });
    const unclaimed: unknown[] = [];
    session.unclaimed$.subscribe((u) => unclaimed.push(u));
    session.flow('admin', { type: 'terminal_info' }).subscribe({ error: () => undefined });
    await until(() => transport.links[0]?.sent.length === 1, 'the request');
    const link = transport.links[0]!;
    link.receive({ event: { flow_id: '654321', resource: approvedFinal } });
    await until(() => link.acks() === 1, 'the re-ack');
    // A different final for the same flow is a conflict, acked too, and never replaces the result.
    link.receive({ event: { flow_id: '654321', resource: declinedFinal } });
    await until(() => link.acks() === 2, 'the conflict ack');
    expect(unclaimed).toMatchObject([{ flowId: '654321', reason: 'conflicting_final' }]);
    session.close();
    await journal.close();
    const reopened = await openFileJournal(dir);
    expect(await reopened.byIdempotencyKey('order-1')).toMatchObject({
      final: approvedFinal,
      finalAcked: true,
      conflict: true,
      conflicts: [declinedFinal],
    });
    // (The terminal_info left unanswered by the second process is open; the sale is not.)
    expect((await reopened.openFlows()).map((f) => f.flowId)).not.toContain('654321');
    await reopened.close();
  });
});
