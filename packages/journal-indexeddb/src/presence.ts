/**
 * Who is alive among the tabs of an origin, over a BroadcastChannel: the lease owner answers pings for its
 * owner id, and an opener that finds a lease asks before waiting it out. A page that went away (reload,
 * crash, tab closed) cannot answer, so the next page takes the journal over at once instead of waiting for
 * the lease to expire. Only liveness rests on this: a tab wrongly judged dead (frozen in the background) is
 * still fenced out by the lease check in every write.
 */

interface Ping {
  readonly type: 'ping' | 'pong';
  readonly owner: string;
  readonly nonce: string;
}

type Channel = {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  unref?: () => void;
};

const isPing = (value: unknown): value is Ping =>
  typeof value === 'object' &&
  value !== null &&
  ((value as Ping).type === 'ping' || (value as Ping).type === 'pong') &&
  typeof (value as Ping).owner === 'string' &&
  typeof (value as Ping).nonce === 'string';

function openChannel(name: string): Channel | undefined {
  const Ctor = (globalThis as { BroadcastChannel?: new (name: string) => Channel }).BroadcastChannel;
  if (Ctor === undefined) return undefined;
  const channel = new Ctor(name);
  // Node (tests): an open channel must not keep the process alive.
  channel.unref?.();
  return channel;
}

/** Answers pings for `owner` while `answering()` holds. */
export class Presence {
  private readonly channel: Channel | undefined;

  constructor(name: string, owner: string, answering: () => boolean) {
    this.channel = openChannel(name);
    if (this.channel === undefined) return;
    const channel = this.channel;
    channel.onmessage = (event) => {
      const message = event.data;
      if (isPing(message) && message.type === 'ping' && message.owner === owner && answering()) {
        channel.postMessage({ type: 'pong', owner, nonce: message.nonce } satisfies Ping);
      }
    };
  }

  close(): void {
    this.channel?.close();
  }
}

/**
 * Whether a page answers for `owner` within `timeoutMs`. Without BroadcastChannel nothing can be learned,
 * so the owner is presumed alive (the lease then runs its course).
 */
export function isOwnerAlive(name: string, owner: string, timeoutMs: number): Promise<boolean> {
  const channel = openChannel(name);
  if (channel === undefined) return Promise.resolve(true);
  const nonce = Math.random().toString(36).slice(2);
  return new Promise((resolve) => {
    const done = (alive: boolean): void => {
      clearTimeout(timer);
      channel.close();
      resolve(alive);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    channel.onmessage = (event) => {
      const message = event.data;
      if (isPing(message) && message.type === 'pong' && message.owner === owner && message.nonce === nonce) {
        done(true);
      }
    };
    channel.postMessage({ type: 'ping', owner, nonce } satisfies Ping);
  });
}
