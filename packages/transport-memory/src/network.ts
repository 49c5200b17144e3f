import { type LinkServer, type Transport, TransportError } from '@bluechip-ws/core';
import { asapScheduler, forkJoin, Observable, type SchedulerLike, Subject } from 'rxjs';
import type { Direction, FaultPlan, FaultReport } from './faults.js';
import type { MemoryLink } from './memory-link.js';
import { MemoryPair, type PairContext } from './pair.js';
import { mulberry32 } from './prng.js';

export interface MemoryNetworkOptions {
  /** Runs every delivery, connect and close; default `asapScheduler`. Inject a virtual-time scheduler in tests. */
  readonly scheduler?: SchedulerLike;
  /** Delay of every delivery and connect, in scheduler ms; default 0 (still asynchronous). */
  readonly latencyMs?: number;
  /** Return a reason to refuse a connection to `path` (`open` then fails with `connect_failed`). */
  readonly refuse?: (path: string) => string | undefined;
  readonly faults?: FaultPlan;
  /** Seed of the PRNG behind fault probabilities; default 1. */
  readonly seed?: number;
}

/** The terminal side: every accepted link, as a `MemoryLink` (which can also send binary frames). */
export interface MemoryServer extends LinkServer {
  readonly connections$: Observable<MemoryLink>;
}

/**
 * An in-memory network between a POS and a terminal. Each `transport.open(path)` creates a connected pair:
 * the POS side is emitted by `open`, the terminal side on `server.connections$` (first, so a terminal can
 * subscribe before the POS can send).
 */
export class MemoryNetwork {
  private readonly scheduler: SchedulerLike;
  private readonly latencyMs: number;
  private readonly connections = new Subject<MemoryLink>();
  private readonly faultReports = new Subject<FaultReport>();
  private readonly pairs = new Set<MemoryPair>();
  private refuse: ((path: string) => string | undefined) | undefined;
  private plan: FaultPlan;
  private random: () => number;
  private nextPairId = 1;
  private readonly context: PairContext;

  readonly transport: Transport = { open: (path) => this.open(path) };
  readonly server: MemoryServer = { connections$: this.connections.asObservable() };
  /** Every fault applied, as it is applied. */
  readonly faults$: Observable<FaultReport> = this.faultReports.asObservable();

  constructor(options: MemoryNetworkOptions = {}) {
    this.scheduler = options.scheduler ?? asapScheduler;
    this.latencyMs = options.latencyMs ?? 0;
    this.refuse = options.refuse;
    this.plan = options.faults ?? {};
    this.random = mulberry32(options.seed ?? 1);
    this.context = {
      scheduler: this.scheduler,
      latencyMs: this.latencyMs,
      rules: (direction: Direction) => this.plan[direction],
      random: () => this.random(),
      report: (report) => this.faultReports.next(report),
    };
  }

  /** Pairs with at least one side still open. */
  get links(): readonly MemoryPair[] {
    return [...this.pairs];
  }

  /** Replaces the fault rules from now on; a `seed` also restarts the PRNG. */
  setFaults(plan: FaultPlan, seed?: number): void {
    this.plan = plan;
    if (seed !== undefined) this.random = mulberry32(seed);
  }

  /** Changes which connections are refused from now on (`undefined`: accept all). */
  setRefuse(refuse: ((path: string) => string | undefined) | undefined): void {
    this.refuse = refuse;
  }

  /** Cuts every open pair now: both sides close with `clean: false`. */
  disconnectAll(reason = 'network disconnected', code = 1006): void {
    for (const pair of [...this.pairs]) pair.cut(reason, code);
  }

  private open(path: string): Observable<MemoryLink> {
    return new Observable<MemoryLink>((subscriber) => {
      const action = this.scheduler.schedule(() => {
        const refused = this.refuse?.(path);
        if (refused !== undefined) {
          subscriber.error(new TransportError('connect_failed', `connection to ${path} refused: ${refused}`));
          return;
        }
        const pair = new MemoryPair(this.nextPairId++, path, this.context);
        this.pairs.add(pair);
        forkJoin([pair.pos.closed$, pair.terminal.closed$]).subscribe(() => this.pairs.delete(pair));
        this.connections.next(pair.terminal);
        subscriber.next(pair.pos);
        subscriber.complete();
      }, this.latencyMs);
      return () => action.unsubscribe();
    });
  }
}

export function createMemoryNetwork(options?: MemoryNetworkOptions): MemoryNetwork {
  return new MemoryNetwork(options);
}
