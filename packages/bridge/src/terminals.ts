import { connect, type FrameListener, type Journal, MemoryJournal, type Terminal } from '@bluechip-ws/client';
import { classifyFinal, maskPan } from '@bluechip-ws/protocol';
import type { Subscription } from 'rxjs';
import { BridgeError } from './errors.js';
import { diagnosticJson, type Json, jsonSafe, outcomeJson, reportJson, stateJson } from './outcome-json.js';
import type { OpenParams } from './schema/params.js';

/** `terminal.open { simulator: {...} }`. */
export interface SimulatorSpec {
  readonly eventDelayMs?: number;
  readonly seed?: number;
  readonly scenario?: { readonly [key: string]: unknown };
  readonly interactive?: boolean;
  readonly customerTimeoutMs?: number;
}

/** The customer's side of an interactive simulator (`simulator: { interactive: true }`). */
export interface SimulatorCustomer {
  /** False when the action has nothing to act on (no flow waits for the customer). */
  act(action: string): boolean;
  /** The screen now. */
  screen(): Json;
  /** Calls `listener` at every change of the screen; returns the unsubscribe function. */
  watch(listener: (screen: Json) => void): () => void;
}

/** A simulator the bridge started for `terminal.open { simulator }`. */
export interface StartedSimulator {
  readonly url: string;
  readonly customer?: SimulatorCustomer;
  close(): Promise<void>;
}

/**
 * What the bridge needs from its platform. Node provides all of it (`nodeHooks` in `@bluechip-ws/bridge/node`);
 * a browser console can leave out the file journal and the simulator, and those params are then refused.
 */
export interface BridgeHooks {
  readonly openJournal?: (dir: string) => Promise<Journal>;
  readonly startSimulator?: (spec: SimulatorSpec) => Promise<StartedSimulator>;
  /** WebSocket constructor for `connect` where the platform has no global one. */
  readonly connectOptions?: Parameters<typeof connect>[0] extends infer O ? Partial<O> : never;
}

/** Where terminal-wide events go: every caller connected to the bridge. */
export type Broadcast = (method: string, params: Json) => void;

export interface OpenTerminal {
  readonly id: string;
  readonly url: string;
  readonly terminal: Terminal;
  readonly journal: Journal;
  readonly journalKind: 'file' | 'memory';
  /** The customer of the interactive simulator behind it, if any. */
  readonly customer?: SimulatorCustomer;
  /** Operations this bridge is running on it. */
  inFlight: number;
}

interface Entry extends OpenTerminal {
  readonly simulator?: StartedSimulator;
  readonly subscriptions: Subscription[];
  readonly stops: (() => void)[];
}

/** The terminals a bridge holds open, by id; one journal and one optional simulator each. */
export class TerminalRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Opens in progress: calls naming one wait for it, so `open` then `sale` may be sent without waiting. */
  private readonly opening = new Map<string, Promise<unknown>>();
  private counter = 0;
  private closed = false;

  constructor(
    private readonly hooks: BridgeHooks,
    private readonly broadcast: Broadcast,
  ) {}

  get(id: string): OpenTerminal {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      throw new BridgeError('unknown_terminal', `no open terminal "${id}"`, { terminalId: id });
    }
    return entry;
  }

  /** The terminal, once an `open` of it in progress (if any) has ended. */
  async ready(id: string): Promise<OpenTerminal> {
    const pending = this.opening.get(id);
    if (pending !== undefined) await pending.catch(() => undefined);
    return this.get(id);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Reserves the id at once (synchronously), so calls sent right after it can name it. */
  open(params: OpenParams): Promise<{ entry: OpenTerminal; reconcile: boolean }> {
    if (this.closed) return Promise.reject(new BridgeError('closed', 'the bridge is closing'));
    const id = params.terminalId ?? this.nextId();
    if (this.entries.has(id) || this.opening.has(id)) {
      return Promise.reject(
        new BridgeError('terminal_exists', `terminal "${id}" is already open`, { terminalId: id }),
      );
    }
    const opened = this.openAs(id, params);
    this.opening.set(id, opened);
    const clear = () => this.opening.delete(id);
    opened.then(clear, clear);
    return opened;
  }

  private async openAs(id: string, params: OpenParams): Promise<{ entry: OpenTerminal; reconcile: boolean }> {
    if ((params.url === undefined) === (params.simulator === undefined || params.simulator === false)) {
      throw new BridgeError('invalid_params', 'give either `url` or `simulator`', { path: 'params.url' });
    }
    let simulator: StartedSimulator | undefined;
    let journal: Journal | undefined;
    try {
      journal = await this.journalFor(params.journalDir);
      simulator = await this.simulatorFor(params.simulator);
      const url = simulator?.url ?? (params.url as string);
      const terminal = connect({
        ...this.hooks.connectOptions,
        url,
        journal,
        ...(params.endpointMode === undefined ? {} : { endpointMode: params.endpointMode }),
        ...(params.timeouts === undefined ? {} : { timeouts: params.timeouts }),
        ...(params.queueLimit === undefined ? {} : { queueLimit: params.queueLimit }),
        ...(params.reconnect === false ? { reconnect: false } : {}),
        ...(params.frames === true ? { onFrame: this.frameAnnouncer(id) } : {}),
        ...(params.connectTimeoutMs === undefined
          ? {}
          : { ws: { connectTimeoutMs: params.connectTimeoutMs } }),
        recovery: { auto: params.autoReconcile !== false },
      });
      const entry: Entry = {
        id,
        url,
        terminal,
        journal,
        journalKind: params.journalDir === undefined ? 'memory' : 'file',
        inFlight: 0,
        subscriptions: [],
        stops: [],
        ...(simulator === undefined ? {} : { simulator }),
        ...(simulator?.customer === undefined ? {} : { customer: simulator.customer }),
      };
      this.watch(entry);
      this.entries.set(id, entry);
      const reconcile =
        (params.reconcileOnOpen ?? params.journalDir !== undefined) && (await journal.openFlows()).length > 0;
      return { entry, reconcile };
    } catch (error) {
      await simulator?.close().catch(() => undefined);
      if (!this.entries.has(id)) await journal?.close().catch(() => undefined);
      throw error;
    }
  }

  /** Closes the handle (flows still running fail `session_closed`), then its journal and simulator. */
  async close(id: string): Promise<void> {
    await this.opening.get(id)?.catch(() => undefined);
    const entry = this.entries.get(id);
    if (entry === undefined) {
      throw new BridgeError('unknown_terminal', `no open terminal "${id}"`, { terminalId: id });
    }
    this.entries.delete(id);
    for (const subscription of entry.subscriptions) subscription.unsubscribe();
    for (const stop of entry.stops) stop();
    entry.terminal.close();
    // The session appends the flows' ends as they fail; the journal flushes them on close.
    await entry.journal.close();
    await entry.simulator?.close();
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.ids().map((id) => this.close(id)));
  }

  private nextId(): string {
    let id: string;
    do id = `t${++this.counter}`;
    while (this.entries.has(id) || this.opening.has(id));
    return id;
  }

  private async journalFor(dir: string | undefined): Promise<Journal> {
    if (dir === undefined) return new MemoryJournal();
    if (this.hooks.openJournal === undefined) {
      throw new BridgeError('invalid_params', 'this bridge cannot open a file journal', {
        path: 'params.journalDir',
      });
    }
    return this.hooks.openJournal(dir);
  }

  private async simulatorFor(spec: OpenParams['simulator']): Promise<StartedSimulator | undefined> {
    if (spec === undefined || spec === false) return undefined;
    if (this.hooks.startSimulator === undefined) {
      throw new BridgeError('invalid_params', 'this bridge cannot start a simulator', {
        path: 'params.simulator',
      });
    }
    return this.hooks.startSimulator(spec === true ? {} : spec);
  }

  /** Frames become `terminal.frame` notifications, card numbers masked. */
  private frameAnnouncer(terminalId: string): FrameListener {
    return (record) =>
      this.broadcast('terminal.frame', {
        terminalId,
        direction: record.direction,
        path: record.path,
        text: maskPan(
          typeof record.frame === 'string'
            ? record.frame
            : `<binary frame of ${record.frame.byteLength} bytes>`,
        ),
        at: Date.now(),
      });
  }

  /** Terminal-wide events become notifications to every connected caller. */
  private watch(entry: Entry): void {
    const terminalId = entry.id;
    const { terminal } = entry;
    if (entry.customer !== undefined) {
      entry.stops.push(
        entry.customer.watch((screen) => this.broadcast('simulator.screen', { terminalId, screen })),
      );
    }
    entry.subscriptions.push(
      terminal.state$.subscribe((state) =>
        this.broadcast('terminal.state', { terminalId, state: stateJson(state) }),
      ),
      terminal.diagnostics$.subscribe((diagnostic) =>
        this.broadcast('terminal.diagnostic', { terminalId, ...diagnosticJson(diagnostic) }),
      ),
      // Runs with nothing open (before every first operation) are not news.
      terminal.reconciled$.subscribe((report) => {
        if (report.flows.length > 0)
          this.broadcast('terminal.reconciled', { terminalId, report: reportJson(report) });
      }),
      terminal.unclaimed$.subscribe((item) => {
        const type = typeof item.request?.type === 'string' ? item.request.type : 'unknown';
        const outcome = item.final
          ? outcomeJson({
              ...(item.outcome ?? classifyFinal(item.resource)),
              flowId: item.flowId,
              type,
              source: 'event',
            })
          : undefined;
        this.broadcast('outcome.unclaimed', {
          terminalId,
          flowId: item.flowId,
          reason: item.reason,
          final: item.final,
          resource: jsonSafe(item.resource),
          ...(outcome === undefined ? {} : { outcome }),
        });
      }),
    );
  }
}
