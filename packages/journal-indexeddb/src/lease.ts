import { JournalError } from '@bluechip-ws/core';
import { IndexedDbJournalError, writeError } from './errors.js';
import { META_STORE, requestResult, transactionDone } from './idb.js';
import { isOwnerAlive, Presence } from './presence.js';

/** What the `meta` store holds under `LEASE_KEY` while a tab owns the journal without Web Locks. */
interface LeaseValue {
  readonly owner: string;
  /** Epoch ms after which another tab may take the journal over. */
  readonly expires: number;
}

const LEASE_KEY = 'lease';
/** How often a waiting opener looks at the lease again. */
const POLL_MS = 250;

const isLease = (value: unknown): value is LeaseValue =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as LeaseValue).owner === 'string' &&
  typeof (value as LeaseValue).expires === 'number';

export interface LeaseOptions {
  readonly leaseMs: number;
  readonly waitMs: number;
  /** How long an owner has to answer "are you there?" before its lease is taken over. */
  readonly probeMs: number;
  readonly now: () => number;
}

/**
 * The fallback single-writer lock where there is no Web Locks API (an `http://` page on the LAN is not a
 * secure context, and browsers give Web Locks only to secure ones): a lease in the database itself. A
 * readwrite transaction is exclusive, so reading and writing the lease in one is an atomic test-and-set.
 * The owner renews it every third of `leaseMs`, and every append checks (in its own transaction) that the
 * lease is still its own: a tab whose timers were frozen and whose lease was taken over cannot write.
 * A page that went away without `close()` (reloaded, crashed) leaves its lease behind; the next opener asks
 * over a BroadcastChannel whether its owner is still there (`presence.ts`) and takes over at once when no one
 * answers. Without BroadcastChannel it waits for the lease to expire.
 */
export class Lease {
  private timer: ReturnType<typeof setInterval> | undefined;
  private lost = false;
  private presence: Presence | undefined;

  private constructor(
    private readonly db: IDBDatabase,
    readonly owner: string,
    private readonly options: LeaseOptions,
    /** Set when an expired lease of another owner was taken over. */
    readonly tookOverFrom: string | undefined,
  ) {}

  static async acquire(db: IDBDatabase, name: string, options: LeaseOptions): Promise<Lease> {
    const owner = `${options.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const channel = `bluechip-ws-journal:${name}`;
    const deadline = options.now() + options.waitMs;
    const probed = new Set<string>();
    let dead: string | undefined;
    // Bounded: each pass probes a new holder once, or waits POLL_MS, until the deadline.
    for (;;) {
      const result = await tryTake(db, owner, options, dead);
      if (result.taken) {
        const lease = new Lease(db, owner, options, result.previous);
        lease.presence = new Presence(channel, owner, () => !lease.lost);
        lease.startRenewing();
        return lease;
      }
      if (!probed.has(result.holder)) {
        probed.add(result.holder);
        if (!(await isOwnerAlive(channel, result.holder, options.probeMs))) {
          dead = result.holder;
          continue;
        }
      }
      const left = deadline - options.now();
      if (left <= 0) {
        throw new JournalError(
          'locked',
          `journal "${name}" is in use by another tab (lease held until ${new Date(result.expires).toISOString()})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, left)));
    }
  }

  /** False once another tab took the journal over. */
  get held(): boolean {
    return !this.lost;
  }

  /**
   * Called inside an append's readwrite transaction (which must include the meta store): renews the lease
   * and aborts the transaction if the lease is no longer ours, so nothing of the batch is written.
   */
  fence(tx: IDBTransaction): void {
    const store = tx.objectStore(META_STORE);
    const read = store.get(LEASE_KEY);
    read.onsuccess = () => {
      const value: unknown = read.result;
      if (!isLease(value) || value.owner !== this.owner) {
        this.lost = true;
        tx.abort();
        return;
      }
      store.put({ owner: this.owner, expires: this.options.now() + this.options.leaseMs }, LEASE_KEY);
    };
  }

  lostError(): IndexedDbJournalError {
    return new IndexedDbJournalError(
      'locked',
      'lease_lost',
      'another tab took the journal over (this tab did not renew its lease in time)',
    );
  }

  /** Stops renewing and gives the lease back if it is still ours. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.presence?.close();
    if (this.lost) return;
    this.lost = true;
    const tx = this.db.transaction(META_STORE, 'readwrite');
    const store = tx.objectStore(META_STORE);
    const read = store.get(LEASE_KEY);
    read.onsuccess = () => {
      if (isLease(read.result) && read.result.owner === this.owner) store.delete(LEASE_KEY);
    };
    await transactionDone(tx).catch(() => undefined);
  }

  private startRenewing(): void {
    this.timer = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.options.leaseMs / 3)));
    // In Node (tests), a pending renewal must not keep the process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async renew(): Promise<void> {
    if (this.lost) return;
    try {
      const tx = this.db.transaction(META_STORE, 'readwrite');
      this.fence(tx);
      await transactionDone(tx);
    } catch {
      // A lost lease is seen by the next append; a failed renewal (quota) is retried by the next tick.
    }
    if (this.lost) clearInterval(this.timer);
  }
}

/** Takes the lease if it is free, expired, or held by `dead` (an owner that did not answer a probe). */
async function tryTake(
  db: IDBDatabase,
  owner: string,
  options: LeaseOptions,
  dead: string | undefined,
): Promise<
  { taken: true; previous: string | undefined } | { taken: false; holder: string; expires: number }
> {
  let tx: IDBTransaction;
  try {
    tx = db.transaction(META_STORE, 'readwrite');
  } catch (error) {
    throw new IndexedDbJournalError('read_failed', 'connection_lost', 'cannot read the journal lease', {
      cause: error,
    });
  }
  const done = transactionDone(tx);
  done.catch(() => undefined);
  const store = tx.objectStore(META_STORE);
  const current: unknown = await requestResult(store.get(LEASE_KEY));
  const now = options.now();
  if (isLease(current) && current.owner !== owner && current.owner !== dead && current.expires > now) {
    tx.abort();
    return { taken: false, holder: current.owner, expires: current.expires };
  }
  store.put({ owner, expires: now + options.leaseMs }, LEASE_KEY);
  try {
    await done;
  } catch (error) {
    throw writeError(error, 'cannot take the journal lease');
  }
  return { taken: true, previous: isLease(current) ? current.owner : undefined };
}
