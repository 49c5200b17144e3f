import { sendsAmountToHost, typesWhere } from '@bluechip-ws/protocol';

/** What the simulated terminal does with one sale-like request. */
export type Outcome =
  | 'approved'
  | 'partially_approved'
  | 'declined'
  | 'cancelled'
  | 'timed_out'
  | 'error_event'
  | 'no_event'
  | 'drop_after_started'
  | 'double_final'
  | 'malformed_first';

export const OUTCOMES: readonly Outcome[] = [
  'approved',
  'partially_approved',
  'declined',
  'cancelled',
  'timed_out',
  'error_event',
  'no_event',
  'drop_after_started',
  'double_final',
  'malformed_first',
];

export interface AmountTrigger {
  readonly amount: number;
  readonly outcome: Outcome;
  readonly description: string;
}

/** Magic amounts in cents (issue 5). Every other amount is approved. */
export const AMOUNT_TRIGGERS: readonly AmountTrigger[] = [
  { amount: 200, outcome: 'declined', description: 'declined: results[0].status "decline_by_host_or_card"' },
  { amount: 201, outcome: 'cancelled', description: 'cancelled: results[0].status "cancelled_by_user"' },
  { amount: 202, outcome: 'timed_out', description: 'timed out: results[0].status "timeout_on_user_input"' },
  { amount: 203, outcome: 'error_event', description: 'error event: event status "error" with error_info' },
  {
    amount: 204,
    outcome: 'no_event',
    description: 'no event ever (the flow holds the terminal until the link closes)',
  },
  {
    amount: 205,
    outcome: 'drop_after_started',
    description: 'link dropped right after "started"; the sale is still approved and recorded',
  },
  { amount: 206, outcome: 'double_final', description: 'the final event is sent twice' },
  { amount: 207, outcome: 'malformed_first', description: 'a malformed frame, then the real event' },
  {
    amount: 208,
    outcome: 'partially_approved',
    description: 'approved for half the amount (1.04 of 2.08): transaction_amount is what was approved',
  },
];

/**
 * Types the amount triggers apply to: those that carry an `amount` and go to the card host. Other types
 * (void, tip_adjust, settlement, info…) ignore them.
 */
export const SALE_LIKE_TYPES: ReadonlySet<string> = new Set(
  typesWhere((_row, type) => sendsAmountToHost(type)),
);

const byAmount = new Map(AMOUNT_TRIGGERS.map((t) => [t.amount, t.outcome]));

export function outcomeForAmount(amount: number): Outcome {
  return byAmount.get(amount) ?? 'approved';
}

/** The amount table as text, for `--help` and the docs. */
export function amountTable(): string {
  const rows = AMOUNT_TRIGGERS.map(
    (t) => `  ${String(t.amount).padStart(4)}  $${(t.amount / 100).toFixed(2)}  ${t.description}`,
  );
  return [
    `Amount triggers (cents, for ${[...SALE_LIKE_TYPES].join(', ')}):`,
    ...rows,
    '  any other amount: approved',
  ].join('\n');
}
