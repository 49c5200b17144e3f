import type { Frame, Link, LinkClose } from '@bluechip-ws/core';
import { ReplaySubject, Subject } from 'rxjs';

/** A minimal in-test Link: records what the simulator sends, lets the test push frames in. */
export class FakeLink implements Link {
  private readonly frames = new Subject<Frame>();
  private readonly closedSubject = new ReplaySubject<LinkClose>(1);
  readonly frames$ = this.frames.asObservable();
  readonly closed$ = this.closedSubject.asObservable();
  readonly sent: string[] = [];
  closeInfo: LinkClose | undefined;
  /** Called inside `send`, e.g. to ack synchronously. */
  onSend: ((text: string) => void) | undefined;

  constructor(readonly path = '/tsi/v1/payment') {}

  get isOpen(): boolean {
    return this.closeInfo === undefined;
  }

  send(frame: string): void {
    if (!this.isOpen) throw new Error('closed');
    this.sent.push(frame);
    this.onSend?.(frame);
  }

  close(reason = 'closed', code = 1000): void {
    this.finish({ reason, code, clean: true });
  }

  /** The POS side goes away. */
  peerClose(reason = 'pos left'): void {
    this.finish({ reason, code: 1006, clean: false });
  }

  receive(message: unknown): void {
    this.frames.next(typeof message === 'string' ? message : JSON.stringify(message));
  }

  request(flow_id: string, resource: Record<string, unknown>): void {
    this.receive({ request: { flow_id, resource } });
  }

  ack(flow_id: string): void {
    this.receive({ event_ack: { flow_id, resource: { status: 'ok' } } });
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  get messages(): any[] {
    return this.sent.map((s) => {
      try {
        return JSON.parse(s);
      } catch {
        return { malformed: s };
      }
    });
  }

  private finish(close: LinkClose): void {
    if (this.closeInfo !== undefined) return;
    this.closeInfo = close;
    this.closedSubject.next(close);
    this.closedSubject.complete();
    this.frames.complete();
  }
}
