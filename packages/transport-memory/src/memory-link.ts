import { type Frame, type Link, type LinkClose, TransportError } from '@bluechip-ws/core';
import { type Observable, ReplaySubject, Subject } from 'rxjs';

/** What a link end needs from its pair: a way out for frames and for its own close. */
export interface LinkWire {
  send(frame: Frame): void;
  close(reason: string, code: number): void;
}

/** One end of an in-memory link pair. */
export class MemoryLink implements Link {
  private readonly frames = new Subject<Frame>();
  private readonly closed = new ReplaySubject<LinkClose>(1);
  private open = true;
  readonly frames$: Observable<Frame> = this.frames.asObservable();
  readonly closed$: Observable<LinkClose> = this.closed.asObservable();

  constructor(
    readonly path: string,
    readonly side: 'pos' | 'terminal',
    private readonly wire: LinkWire,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  send(frame: string): void {
    this.sendFrame(frame);
  }

  /** Sends a binary frame too (Link.send is text only): lets tests feed the core the frames it must report. */
  sendFrame(frame: Frame): void {
    if (!this.open) throw new TransportError('not_open', `${this.side} link to ${this.path} is closed`);
    this.wire.send(frame);
  }

  close(reason = 'closed', code = 1000): void {
    if (!this.open) return;
    this.finish({ reason, code, clean: true });
    this.wire.close(reason, code);
  }

  /** Delivery from the pair; a frame arriving after close is lost, as on a real network. */
  receive(frame: Frame): void {
    if (this.open) this.frames.next(frame);
  }

  /** Ends this side once: frames$ completes, closed$ emits and completes. */
  finish(close: LinkClose): void {
    if (!this.open) return;
    this.open = false;
    this.frames.complete();
    this.closed.next(close);
    this.closed.complete();
  }
}
