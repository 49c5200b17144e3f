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
  /** One line for the status: what to do (the next step), or what happened when the bridge gave no step. */
  readonly status: string;
  /** What happened, in the bridge's message (the banner shows it under the title). */
  readonly detail: string;
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
  // Said once each: the status line says what to do, the banner what happened (the bridge's message may
  // repeat the step for callers that read only the message).
  return {
    kind,
    title,
    action,
    detail: what,
    status: action === undefined ? `${title}: ${what}` : `${title}: ${action}${where}`,
  };
}
