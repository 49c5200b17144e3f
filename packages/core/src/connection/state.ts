import type { LinkClose } from '../transport.js';

/**
 * Where a `Connection` stands. `attempt` is 0 for a dial asked by `acquire`, n ≥ 1 for the n-th reconnect
 * attempt after a drop. `closed` without `disposed` can be left by a new `acquire`; after `close()` it is final.
 */
export type ConnectionState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting'; readonly path: string; readonly attempt: number }
  | { readonly kind: 'open'; readonly path: string }
  | {
      readonly kind: 'reconnecting';
      readonly path: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly lastClose: LinkClose;
    }
  | {
      readonly kind: 'closed';
      readonly path?: string;
      readonly reason: LinkClose;
      readonly disposed?: boolean;
    };

export type ConnectionStateKind = ConnectionState['kind'];
