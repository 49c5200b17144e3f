import { CodedError } from '@bluechip-ws/protocol';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  checkToken,
  DEFAULT_STREAM,
  EVENTS_ROOT,
  type OutcomeKey,
  outcomeMsgId,
  outcomeStreamSubjects,
  outcomeSubject,
} from './subjects.js';

/** How an outcome reached the stream. */
export type OutcomeSource =
  /** The agent answered a request with it. */
  | 'answer'
  /** A result nobody waited for any more (the session's `unclaimed`: timed out, cancelled…). */
  | 'unclaimed'
  /** Settled by reconciliation (typically after the agent restarted mid-flow). */
  | 'reconciled';

/** One record of the stream: the fleet-wide durable record of a final outcome. */
export interface OutcomeRecord {
  readonly site: string;
  readonly terminal: string;
  readonly flowId: string;
  readonly idempotencyKey?: string;
  readonly source: OutcomeSource;
  /** The agent that published it (its NATS connection name). */
  readonly agent?: string;
  /** The outcome as the bridge returns it (`kind`, `flowId`, `type`, `result`… see docs/bridge.md). */
  readonly outcome: { readonly kind: string; readonly flowId: string; readonly [key: string]: unknown };
  /** ISO 8601, when the agent published it. */
  readonly at: string;
}

/**
 * The stream's other kind of message: under `outcome.f.<flowId>` of a keyed outcome, where that outcome is
 * (`index`: the subject of its record). Readers of the whole stream skip messages that have `index`.
 */
export interface FlowIndexEntry {
  readonly site: string;
  readonly terminal: string;
  readonly flowId: string;
  readonly at: string;
  readonly index: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFlowIndexEntry(value: unknown): value is FlowIndexEntry {
  return isObject(value) && Object.hasOwn(value, 'index') && typeof value.index === 'string';
}

function isOutcomeRecord(value: unknown): value is OutcomeRecord {
  return (
    isObject(value) &&
    typeof value.flowId === 'string' &&
    Object.hasOwn(value, 'outcome') &&
    isObject(value.outcome) &&
    typeof value.outcome.kind === 'string'
  );
}

export interface StreamSettings {
  readonly name?: string;
  /**
   * The hub's JetStream domain, when the agent's server is a leaf node without JetStream of its own: the
   * JetStream API is then reached as `$JS.<domain>.API` through the leaf connection.
   */
  readonly domain?: string;
  /** Copies of each message in a cluster (1, 3 or 5). */
  readonly replicas?: number;
  /** How long the stream remembers a `Nats-Msg-Id` to drop a second copy (default 24 h). */
  readonly duplicateWindowMs?: number;
  /** How long outcomes are kept (default 0: forever, bounded by maxBytes). */
  readonly maxAgeMs?: number;
  readonly maxBytes?: number;
}

export const DEFAULT_DUPLICATE_WINDOW_MS = 24 * 60 * 60 * 1000;

export class OutcomeStoreError extends CodedError<'outcome_store_failed'> {
  override readonly name = 'OutcomeStoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('outcome_store_failed', message, options);
  }
}

/**
 * An outcome record the stream can never take as it is (a payload over the server's `max_payload`, a site or
 * terminal that is not a subject token): retrying cannot help, so it is quarantined instead (see the agent).
 */
export class UnpublishableOutcomeError extends CodedError<'outcome_unpublishable'> {
  override readonly name = 'UnpublishableOutcomeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('outcome_unpublishable', message, options);
  }
}

const NS_PER_MS = 1_000_000;

function keyOf(record: Pick<OutcomeRecord, 'flowId' | 'idempotencyKey'>): OutcomeKey {
  return record.idempotencyKey === undefined
    ? { flowId: record.flowId }
    : { idempotencyKey: record.idempotencyKey };
}

/**
 * The outcome stream: publishing with `Nats-Msg-Id` (so a retry, a replay or a second agent publishing the
 * same outcome leaves one record) and finding an outcome again by idempotency key or flow id.
 */
export class OutcomeStore {
  private readonly js: JetStreamClient;
  readonly stream: string;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    stream: string,
    domain: string | undefined,
  ) {
    this.js = jetstream(nc, domain === undefined ? {} : { domain });
    this.stream = stream;
  }

  /** Binds to the stream; creates it (file storage) when missing and `create` is true. */
  static async open(
    nc: NatsConnection,
    settings: StreamSettings = {},
    create = false,
  ): Promise<OutcomeStore> {
    const name = settings.name ?? DEFAULT_STREAM;
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(nc, settings.domain === undefined ? {} : { domain: settings.domain });
    } catch (error) {
      throw new OutcomeStoreError(`JetStream is not available: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (create) {
      const info = await jsm.streams.info(name).catch(() => undefined);
      if (info === undefined) {
        try {
          await jsm.streams.add({
            name,
            subjects: outcomeStreamSubjects(),
            storage: 'file' as never,
            num_replicas: settings.replicas ?? 1,
            duplicate_window: (settings.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS) * NS_PER_MS,
            max_age: (settings.maxAgeMs ?? 0) * NS_PER_MS,
            max_bytes: settings.maxBytes ?? -1,
          });
        } catch (error) {
          // Another agent may have created it in between; anything else is a real failure.
          if ((await jsm.streams.info(name).catch(() => undefined)) === undefined) {
            throw new OutcomeStoreError(`could not create stream ${name}: ${(error as Error).message}`, {
              cause: error,
            });
          }
        }
      }
    }
    return new OutcomeStore(nc, jsm, name, settings.domain);
  }

  /**
   * Publishes one outcome and waits for the stream's acknowledgement. Resolves `duplicate: true` when the
   * stream already held it (same `Nats-Msg-Id` within the duplicate window).
   */
  async publish(record: OutcomeRecord, timeoutMs = 5_000): Promise<{ seq: number; duplicate: boolean }> {
    const key = keyOf(record);
    const payload = this.payloadOf(record);
    const subject = await outcomeSubject(record.site, record.terminal, key);
    const [ack] = await Promise.all([
      this.js.publish(subject, payload, {
        msgID: await outcomeMsgId(record.site, record.terminal, key),
        timeout: timeoutMs,
      }),
      'idempotencyKey' in key ? this.publishFlowIndex(record, subject, timeoutMs) : undefined,
    ]);
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  /**
   * A keyed outcome is stored under its key; this small entry under its flow id points there, so a caller
   * that only knows the flow id (from `started`) finds it too. Same message id an unkeyed record of that
   * flow would have: a republish leaves one.
   */
  private async publishFlowIndex(
    record: OutcomeRecord,
    keySubject: string,
    timeoutMs: number,
  ): Promise<void> {
    const flow = { flowId: record.flowId };
    const entry: FlowIndexEntry = {
      site: record.site,
      terminal: record.terminal,
      flowId: record.flowId,
      at: record.at,
      index: keySubject,
    };
    await this.js.publish(await outcomeSubject(record.site, record.terminal, flow), JSON.stringify(entry), {
      msgID: await outcomeMsgId(record.site, record.terminal, flow),
      timeout: timeoutMs,
    });
  }

  /** The record's bytes, or `UnpublishableOutcomeError` when no retry could ever publish it. */
  private payloadOf(record: OutcomeRecord): Uint8Array {
    try {
      checkToken(record.site, 'site');
      checkToken(record.terminal, 'terminal');
    } catch (error) {
      throw new UnpublishableOutcomeError((error as Error).message, { cause: error });
    }
    if (typeof record.flowId !== 'string' || record.flowId.length === 0) {
      throw new UnpublishableOutcomeError('the record has no flow id');
    }
    const payload = new TextEncoder().encode(JSON.stringify(record));
    const max = this.nc.info?.max_payload;
    if (max !== undefined && payload.length > max) {
      throw new UnpublishableOutcomeError(
        `the record is ${payload.length} bytes, over the server's max_payload (${max})`,
      );
    }
    return payload;
  }

  /**
   * The latest outcome recorded under this key, or null. A flow id finds a keyed outcome too, through its
   * flow index entry.
   */
  async find(site: string, terminal: string, key: OutcomeKey): Promise<OutcomeRecord | null> {
    const found = await this.read(await outcomeSubject(site, terminal, key));
    if (found === null || !isFlowIndexEntry(found)) return found;
    if (!('flowId' in key)) return null;
    // Only an entry pointing at this terminal's keyed outcomes is followed, and only to this flow's record.
    const prefix = `${EVENTS_ROOT}.${site}.${terminal}.outcome.k.`;
    if (!found.index.startsWith(prefix) || !/^[A-Za-z0-9_=-]+$/.test(found.index.slice(prefix.length))) {
      return null;
    }
    const target = await this.read(found.index);
    return target !== null && !isFlowIndexEntry(target) && target.flowId === key.flowId ? target : null;
  }

  private async read(subject: string): Promise<OutcomeRecord | FlowIndexEntry | null> {
    const stored = await this.jsm.streams.getMessage(this.stream, { last_by_subj: subject });
    if (stored === null) return null;
    let value: unknown;
    try {
      value = stored.json<unknown>();
    } catch (error) {
      throw new OutcomeStoreError(`stream message ${stored.seq} is not JSON`, { cause: error });
    }
    if (isFlowIndexEntry(value) || isOutcomeRecord(value)) return value;
    throw new OutcomeStoreError(`stream message ${stored.seq} is not an outcome record`);
  }

  /** Messages in the stream (for checks and tests). */
  async count(): Promise<number> {
    return (await this.jsm.streams.info(this.stream)).state.messages;
  }
}
