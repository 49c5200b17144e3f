import {
  type AckMode,
  type ConnectionState,
  type Diagnostic,
  type EndpointMode,
  type FlowTimeouts,
  type Journal,
  MemoryJournal,
  type ReconnectPolicy,
  Session,
  type SwitchPolicy,
  type Transport,
  type UnclaimedAckPolicy,
} from '@bluechip-ws/core';
import { defaultFlowId, type FlowIdGenerator } from '@bluechip-ws/protocol';
import {
  createWsTransport,
  type WebSocketConstructor,
  type WsTransportOptions,
} from '@bluechip-ws/transport-ws';
import type { SchedulerLike } from 'rxjs';
import { ClientError } from './errors.js';
import { type FrameListener, tapFrames } from './frame-tap.js';
import { Recovery, type RecoveryOptions } from './recovery/index.js';
import type { TelemetrySetup } from './telemetry-setup.js';
import { Terminal } from './terminal.js';

export interface ConnectOptions {
  /** `ws://host:50000` of the terminal (or simulator). Give this or `transport`. */
  readonly url?: string;
  /** Any transport, e.g. `new MemoryNetwork().transport` in tests. Give this or `url`. */
  readonly transport?: Transport;
  /** With `url`: the WebSocket constructor (default: `ws` on Node, the global one in browsers). */
  readonly WebSocket?: WebSocketConstructor;
  /** With `url`: connect timeout, liveness and buffer bounds of the WebSocket transport. */
  readonly ws?: Omit<WsTransportOptions, 'url' | 'WebSocket' | 'scheduler'>;
  /** `multi` (default): one socket per endpoint URL; `single`: one socket at `/`. */
  readonly endpointMode?: EndpointMode;
  /** `auto` (default): results are acked once delivered; `manual`: call `outcome.ack()`. */
  readonly ackMode?: AckMode;
  readonly timeouts?: Partial<FlowTimeouts>;
  /** Where every step of every flow is recorded (default: in memory). Use a file journal in production. */
  readonly journal?: Journal;
  readonly scheduler?: SchedulerLike;
  readonly reconnect?: Partial<ReconnectPolicy> | false;
  /**
   * Switching endpoints on a terminal that serves one client at a time: how long to wait for the previous
   * socket to be gone (`closeWaitMs`, default 2000) and how to retry a refused dial (default 4 retries, 50 ms
   * doubling).
   */
  readonly switching?: Partial<SwitchPolicy>;
  /** Flows in flight at once (default 1) and what happens beyond: wait (`queue`, default) or fail `busy`. */
  readonly maxInFlight?: number;
  readonly whenBusy?: 'queue' | 'fail';
  readonly queueLimit?: number;
  readonly unclaimedAck?: UnclaimedAckPolicy;
  readonly flowIds?: FlowIdGenerator;
  /** Sees every frame in and out (for logs; mask PANs with `maskPan`). */
  readonly onFrame?: FrameListener;
  /** Reconciliation and idempotency keys (see docs/recovery.md); `auto` is on when a `journal` is given. */
  readonly recovery?: RecoveryOptions;
  /** Clock of journal records and reconciliation (default `Date.now`). */
  readonly now?: () => number;
  /**
   * Send sales and refunds of 0 (default false: refused with `AmountError` code `zero` before anything is
   * sent). For terminals that accept a zero amount, e.g. for card verification.
   */
  readonly allowZeroAmount?: boolean;
  /**
   * Spans and metrics of every flow through OpenTelemetry, and flow timelines (docs/observability.md):
   * `openTelemetry()` from `@bluechip-ws/client/telemetry`. Default: none (a page that reports nothing does
   * not carry the OpenTelemetry API).
   */
  readonly telemetry?: TelemetrySetup;
}

/**
 * A handle on one terminal. Nothing is dialed until the first operation; `close()` ends it. The same API
 * runs in Node and in browsers (`url` then uses the browser's WebSocket).
 */
export function connect(options: ConnectOptions): Terminal {
  const telemetry = options.telemetry?.create({
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const base = transportOf(options);
  const observed = telemetry === undefined ? base : telemetry.tap(base);
  const transport = options.onFrame === undefined ? observed : tapFrames(observed, options.onFrame);
  const journal = options.journal;
  // Without a journal of the caller's, an in-memory one still backs idempotency keys for this process.
  const store = journal ?? new MemoryJournal();
  const session = new Session(transport, {
    journal: store,
    // The client validates its typed operations itself, so `raw` can send anything.
    validate: false,
    flowIds: defaultFlowId,
    ...pick(options, [
      'endpointMode',
      'ackMode',
      'timeouts',
      'journal',
      'scheduler',
      'reconnect',
      'switching',
      'maxInFlight',
      'whenBusy',
      'queueLimit',
      'unclaimedAck',
      'flowIds',
      'now',
    ]),
  });
  // The session draws ids: it skips ids in flight or still kept by the journal (a new flow never merges).
  const nextFlowId = () => session.newFlowId();
  const recovery = new Recovery({
    session,
    journal: store,
    nextFlowId,
    now: options.now ?? Date.now,
    auto: options.recovery?.auto ?? journal !== undefined,
    ...(options.recovery === undefined ? {} : { options: options.recovery }),
  });
  const terminal = new Terminal(session, {
    nextFlowId,
    ackMode: options.ackMode ?? 'auto',
    recovery,
    ...(journal === undefined ? {} : { journal }),
    ...(options.allowZeroAmount === true ? { allowZeroAmount: true } : {}),
    ...(telemetry === undefined ? {} : { telemetry }),
  });
  telemetry?.observe(terminal);
  return terminal;
}

function transportOf(options: ConnectOptions): Transport {
  if (typeof options !== 'object' || options === null) {
    throw new ClientError('invalid_options', 'connect needs an options object with `url` or `transport`');
  }
  if (options.transport !== undefined && options.url !== undefined) {
    throw new ClientError('invalid_options', 'give either `url` or `transport`, not both');
  }
  if (options.transport !== undefined) return options.transport;
  if (options.url === undefined) {
    throw new ClientError('invalid_options', 'connect needs `url` (ws://host:port) or `transport`');
  }
  try {
    return createWsTransport({
      url: options.url,
      ...options.ws,
      ...(options.WebSocket === undefined ? {} : { WebSocket: options.WebSocket }),
      ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
    });
  } catch (cause) {
    throw new ClientError('invalid_options', `bad terminal url or ws options: ${describe(cause)}`, { cause });
  }
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type { ConnectionState, Diagnostic };
