import type { LinkServer } from '@bluechip-ws/core';
import type { Observable } from 'rxjs';
import { type EngineOptions, SimulatorEngine, type SimulatorSnapshot } from './engine.js';
import type { FrameRecord, LogEntry } from './observe.js';

export interface AttachedSimulator {
  readonly engine: SimulatorEngine;
  readonly frames$: Observable<FrameRecord>;
  readonly log$: Observable<LogEntry>;
  snapshot(): SimulatorSnapshot;
  /** Stops accepting links and closes the served ones. */
  close(): void;
}

/**
 * Serves every link a `LinkServer` accepts (e.g. `createMemoryNetwork({ scheduler }).server`). With no
 * handshake to refuse, a second client is closed right after accept with code 1013 and reason
 * "terminal busy: one client at a time", and an unknown path with code 4404.
 */
export function attachSimulator(server: LinkServer, options: EngineOptions = {}): AttachedSimulator {
  const engine = new SimulatorEngine(options);
  const subscription = server.connections$.subscribe((link) => engine.serve(link));
  return {
    engine,
    frames$: engine.frames$,
    log$: engine.log$,
    snapshot: () => engine.snapshot(),
    close: () => {
      subscription.unsubscribe();
      engine.close();
    },
  };
}
