/** How a dropped link is re-established. */
export interface ReconnectPolicy {
  /** Delay before the first reconnect attempt. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay, jitter included. */
  readonly maxDelayMs: number;
  /** Growth of the delay from one attempt to the next. */
  readonly factor: number;
  /** Relative spread around the nominal delay, 0..1 (0.2 = ±20%), so many POS do not redial in step. */
  readonly jitter: number;
  /** Reconnect attempts after a drop before giving up; 0 disables reconnection; Infinity never gives up. */
  readonly maxAttempts: number;
}

export const defaultReconnectPolicy: ReconnectPolicy = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.2,
  maxAttempts: 10,
};

/** Fills in defaults; `false` means no reconnection. Rejects nonsense early rather than looping oddly later. */
export function resolveReconnectPolicy(input: Partial<ReconnectPolicy> | false | undefined): ReconnectPolicy {
  if (input === false) return { ...defaultReconnectPolicy, maxAttempts: 0 };
  const policy = { ...defaultReconnectPolicy, ...input };
  const finiteNonNegative = (n: number) => Number.isFinite(n) && n >= 0;
  if (
    !finiteNonNegative(policy.initialDelayMs) ||
    !finiteNonNegative(policy.maxDelayMs) ||
    !(Number.isFinite(policy.factor) && policy.factor >= 1) ||
    !(policy.jitter >= 0 && policy.jitter <= 1) ||
    !(policy.maxAttempts >= 0)
  ) {
    throw new RangeError(`invalid reconnect policy: ${JSON.stringify(policy)}`);
  }
  return policy;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): initialDelayMs·factor^(attempt-1), capped at maxDelayMs,
 * spread by ±jitter using `random()` in [0, 1), then clamped to [0, maxDelayMs] and rounded to whole ms.
 */
export function backoffDelay(policy: ReconnectPolicy, attempt: number, random: () => number): number {
  const nominal = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1),
  );
  const spread = 1 + policy.jitter * (2 * random() - 1);
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, nominal * spread)));
}

/**
 * How a link to another endpoint replaces the current one on a terminal that serves one client at a time.
 * The old link is closed and the new dial waits until it reports closed (a WebSocket close takes a round
 * trip, and the terminal refuses a second socket meanwhile), at most `closeWaitMs`. A dial that follows a
 * link of ours and fails is retried on the same backoff as a reconnect, with these short delays: any failure
 * counts, since browsers report a refused handshake as a bare error. A first dial is never retried.
 */
export interface SwitchPolicy extends ReconnectPolicy {
  /** Longest wait for the previous link to report closed before dialing anyway. */
  readonly closeWaitMs: number;
}

export const defaultSwitchPolicy: SwitchPolicy = {
  closeWaitMs: 2000,
  initialDelayMs: 50,
  maxDelayMs: 1000,
  factor: 2,
  jitter: 0,
  maxAttempts: 4,
};

export function resolveSwitchPolicy(input: Partial<SwitchPolicy> | undefined): SwitchPolicy {
  const closeWaitMs = input?.closeWaitMs ?? defaultSwitchPolicy.closeWaitMs;
  if (!(Number.isFinite(closeWaitMs) && closeWaitMs >= 0)) {
    throw new RangeError(`invalid switch policy: closeWaitMs ${closeWaitMs}`);
  }
  return { ...resolveReconnectPolicy({ ...defaultSwitchPolicy, ...input }), closeWaitMs };
}
