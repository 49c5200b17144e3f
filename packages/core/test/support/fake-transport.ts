import { Observable, ReplaySubject, Subject } from 'rxjs';
import { type Frame, type Link, type LinkClose, type Transport, TransportError } from '../../src/index.js';

/** A link the test controls: `drop()` plays the network failing, `close()` is this side closing. */
export class FakeLink implements Link {
  private readonly frames = new Subject<Frame>();
  private readonly closed = new ReplaySubject<LinkClose>(1);
  readonly frames$ = this.frames.asObservable();
  readonly closed$ = this.closed.asObservable();
  readonly sent: string[] = [];
  isOpen = true;

  constructor(readonly path: string) {}

  send(frame: string): void {
    if (!this.isOpen) throw new TransportError('not_open', 'fake link closed');
    this.sent.push(frame);
  }

  close(reason = 'closed', code = 1000): void {
    this.finish({ reason, code, clean: true });
  }

  drop(reason = 'network gone', code = 1006): void {
    this.finish({ reason, code, clean: false });
  }

  private finish(close: LinkClose): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.frames.complete();
    this.closed.next(close);
    this.closed.complete();
  }
}

/** One pending `open`, answered by the test. */
export interface PendingDial {
  readonly path: string;
  readonly cancelled: boolean;
  succeed(): FakeLink;
  fail(message?: string): void;
}

/** Records every dial; each one waits until the test answers it (or `autoAnswer` does). */
export class FakeTransport implements Transport {
  readonly dials: PendingDial[] = [];
  /** When set, each dial is answered synchronously on subscription. */
  autoAnswer: ((path: string) => 'succeed' | 'fail') | undefined;

  open(path: string): Observable<Link> {
    return new Observable<Link>((subscriber) => {
      let answered = false;
      const dial = {
        path,
        cancelled: false,
        succeed: () => {
          if (answered) throw new Error('dial answered twice');
          answered = true;
          const link = new FakeLink(path);
          subscriber.next(link);
          subscriber.complete();
          return link;
        },
        fail: (message = 'refused') => {
          if (answered) throw new Error('dial answered twice');
          answered = true;
          subscriber.error(new TransportError('connect_failed', message));
        },
      };
      this.dials.push(dial);
      const auto = this.autoAnswer?.(path);
      if (auto === 'succeed') dial.succeed();
      else if (auto === 'fail') dial.fail();
      return () => {
        if (!answered) dial.cancelled = true;
      };
    });
  }

  get last(): PendingDial {
    const dial = this.dials.at(-1);
    if (!dial) throw new Error('no dial yet');
    return dial;
  }
}
