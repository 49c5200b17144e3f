/** Defaults a run starts from; `--time-scale` and `--ack-timeout-ms` change them. */
export const DEFAULT_TIME_SCALE = 0.1;
export const DEFAULT_ACK_TIMEOUT_MS = 5000;
/**
 * How long the customer takes in `slow-customer`, in real time (never scaled): longer than a POS may
 * reasonably give up early (a 30 s timeout is the classic mistake), shorter than the terminal's own minute.
 */
export const DEFAULT_CUSTOMER_HOLD_MS = 40_000;

/**
 * How long the simulated terminal waits. Customer and host waits (seconds to a minute on a real terminal) are
 * multiplied by `scale` so the suite runs in minutes. The ack timeout is not: it bounds how fast the POS
 * must ack, which is the POS's speed, not the customer's.
 */
export interface Timing {
  readonly scale: number;
  /** The terminal's resend timer, and the bound every `event_ack` must meet. */
  readonly ackTimeoutMs: number;
  /** The customer's wait in `slow-customer`, real milliseconds: the scale does not apply to it. */
  readonly customerHoldMs: number;
  /** `ms` of terminal time, scaled (at least 1 ms). */
  scaled(ms: number): number;
}

export function timing(
  scale = DEFAULT_TIME_SCALE,
  ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS,
  customerHoldMs = DEFAULT_CUSTOMER_HOLD_MS,
): Timing {
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 10)) {
    throw new RangeError(`time scale must be a number above 0 and at most 10, got ${scale}`);
  }
  if (!(Number.isSafeInteger(ackTimeoutMs) && ackTimeoutMs >= 50 && ackTimeoutMs <= 600_000)) {
    throw new RangeError(`ack timeout must be an integer from 50 to 600000 ms, got ${ackTimeoutMs}`);
  }
  if (!(Number.isSafeInteger(customerHoldMs) && customerHoldMs >= 100 && customerHoldMs <= 600_000)) {
    throw new RangeError(`customer hold must be an integer from 100 to 600000 ms, got ${customerHoldMs}`);
  }
  return { scale, ackTimeoutMs, customerHoldMs, scaled: (ms) => Math.max(1, Math.round(ms * scale)) };
}
