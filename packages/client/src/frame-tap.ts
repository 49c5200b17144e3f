import type { Frame, Link, Transport } from '@bluechip-ws/core';
import { map, tap } from 'rxjs';

/** One frame seen on the wire, for logging (`--verbose`). Mask PANs before printing: see `maskPan`. */
export interface FrameRecord {
  readonly direction: 'in' | 'out';
  readonly path: string;
  readonly frame: Frame;
}

export type FrameListener = (record: FrameRecord) => void;

/** Wraps a transport so every frame in and out is shown to `listener`; a throwing listener is ignored. */
export function tapFrames(transport: Transport, listener: FrameListener): Transport {
  const tell = (record: FrameRecord) => {
    try {
      listener(record);
    } catch {
      // Logging must never break the link.
    }
  };
  return {
    open: (path) => transport.open(path).pipe(map((link) => tappedLink(link, tell))),
  };
}

function tappedLink(link: Link, tell: FrameListener): Link {
  const frames$ = link.frames$.pipe(tap((frame) => tell({ direction: 'in', path: link.path, frame })));
  return {
    path: link.path,
    frames$,
    closed$: link.closed$,
    get isOpen() {
      return link.isOpen;
    },
    send(frame: string) {
      link.send(frame);
      tell({ direction: 'out', path: link.path, frame });
    },
    close(reason?: string, code?: number) {
      link.close(reason, code);
    },
  };
}
