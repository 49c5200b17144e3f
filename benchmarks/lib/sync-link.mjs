import { of, ReplaySubject, Subject } from 'rxjs';

/**
 * A synchronous in-process Link: `push` hands a frame to the session on the caller's stack, and `send`
 * only counts (keeping the last frame so the work cannot be optimized away). It measures the session, not
 * a transport.
 */
export class SyncLink {
  frames$ = new Subject();
  closed$ = new ReplaySubject(1);
  isOpen = true;
  sent = 0;
  last = '';

  constructor(path) {
    this.path = path;
  }

  push(frame) {
    this.frames$.next(frame);
  }

  send(frame) {
    this.sent++;
    this.last = frame;
  }

  close(reason = 'closed', code = 1000) {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.closed$.next({ reason, code, clean: true });
    this.closed$.complete();
    this.frames$.complete();
  }
}

/** A Transport whose `open` answers at once with one shared SyncLink per path. */
export class SyncTransport {
  links = new Map();

  open(path) {
    let link = this.links.get(path);
    if (link === undefined || !link.isOpen) {
      link = new SyncLink(path);
      this.links.set(path, link);
    }
    return of(link);
  }

  link(path = '/tsi/v1/payment') {
    return this.links.get(path);
  }
}
