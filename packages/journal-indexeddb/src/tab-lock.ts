import { JournalError } from '@bluechip-ws/core';

/** The part of the Web Locks API the journal uses (`navigator.locks`). */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown>;
}

export interface HeldLock {
  readonly kind: 'web-locks';
  release(): Promise<void>;
}

/** The Web Locks API of this context, if it has one (browsers give it only to secure contexts). */
export function defaultLockManager(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? undefined;
}

/**
 * Takes the exclusive Web Lock named `name` and holds it until `release` (or until the page goes away: the
 * browser drops a dead page's locks, so a reloaded page can take it at once). `waitMs` 0 gives up at once
 * when another tab holds it; otherwise waits that long (`Infinity`: for as long as it takes). Rejects with
 * `JournalError('locked')`.
 */
export function acquireWebLock(locks: LockManagerLike, name: string, waitMs: number): Promise<HeldLock> {
  return new Promise((resolve, reject) => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const options =
      waitMs === 0
        ? { ifAvailable: true }
        : Number.isFinite(waitMs)
          ? { signal: AbortSignal.timeout(waitMs) }
          : {};
    locks
      .request(name, options, async (lock) => {
        if (lock === null) {
          reject(new JournalError('locked', `journal "${name}" is in use by another tab or window`));
          return;
        }
        resolve({
          kind: 'web-locks',
          release: async () => release(),
        });
        await held;
      })
      .catch((error: unknown) => {
        const timedOut =
          typeof error === 'object' &&
          error !== null &&
          ['AbortError', 'TimeoutError'].includes(String((error as { name?: unknown }).name));
        reject(
          new JournalError(
            'locked',
            timedOut
              ? `journal "${name}" stayed in use by another tab for ${waitMs} ms`
              : `cannot lock journal "${name}"`,
            { cause: error },
          ),
        );
      });
  });
}
