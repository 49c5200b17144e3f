import type { RpcError } from './rpc.js';

/**
 * How the page shows a failed call: from the bridge's error, which carries the client's failure classifier's
 * `kind` and its one safe next step (`data.action`). The page never classifies again.
 */
export interface FailureView {
  /** The classifier's kind (`busy`, `unknown`…), or `error` when the bridge gave none. */
  readonly kind: string;
  /** The banner's title. */
  readonly title: string;
  /** One line for the status: what happened, then what to do. */
  readonly status: string;
  /** The next step, as the bridge said it. */
  readonly action: string | undefined;
}

const TITLES: ReadonlyMap<string, string> = new Map([
  ['busy', 'BUSY'],
  ['unreachable', 'UNREACHABLE'],
  ['refused', 'REFUSED'],
  ['invalid', 'INVALID'],
  ['unknown', 'OUTCOME UNKNOWN'],
  ['pending', 'RECOVERY PENDING'],
  ['aborted', 'CANCELLED'],
  ['closed', 'CLOSED'],
  ['journal', 'JOURNAL FAILED'],
  ['protocol', 'TERMINAL ERROR'],
  ['internal', 'ERROR'],
]);

export function failureView(rpc: RpcError | undefined, error: Error): FailureView {
  const given = rpc?.data?.kind;
  // An outcome the bridge flags unknown is shown as such whatever else it says.
  const kind =
    rpc?.data?.outcomeUnknown === true
      ? 'unknown'
      : given !== undefined && TITLES.has(given)
        ? given
        : 'error';
  const title = TITLES.get(kind) ?? 'ERROR';
  const action = rpc?.data?.action;
  const what = rpc?.message ?? error.message;
  const where = kind === 'unknown' ? ' (Journal panel: Reconcile)' : '';
  return {
    kind,
    title,
    action,
    status: `${title}: ${what}${action === undefined ? '' : `. ${action}${where}`}`,
  };
}
