import {
  AmountError,
  type AmountErrorCode,
  type Cents,
  describeAmountProblem,
  formatAmount,
  OPERATIONS,
  TENDER_TYPES,
  tryParseAmount,
} from '@bluechip-ws/protocol';
import { type Command, operationCommand } from '../command.js';
import { type Parsed, required, str, UsageError } from '../options.js';

const CARD = 'waiting for the card on the terminal';
const TERMINAL = 'waiting for the terminal';

const amount = { amount: { type: 'string' } } as const;
const tip = { tip: { type: 'string' } } as const;
const reference = { reference: { type: 'string' } } as const;
const merchant = { merchant: { type: 'string' } } as const;
/** Idempotency key (the POS order id): with `--journal`, a retry returns the first outcome. */
const key = { key: { type: 'string' } } as const;
const tender = { tender: { type: 'string' } } as const;
const refs = {
  invoice: { type: 'string' },
  clerk: { type: 'string' },
  order: { type: 'string' },
} as const;

/**
 * `--amount 12.34` → cents, exactly (never through floating point). Errors name the flag and speak in the
 * units the user typed (`--amount 1000000 is over the maximum of 999999.99`), never in cents.
 */
function money(values: Parsed['values'], name: string, rule: { readonly nonZero?: boolean } = {}): Cents {
  const text = required(values, name);
  const result = tryParseAmount(text);
  if (result._tag === 'Left') throw amountUsage(name, text, result.left.code);
  if (rule.nonZero === true && result.right === 0) throw amountUsage(name, text, 'zero');
  return result.right;
}

function optionalMoney(values: Parsed['values'], name: string): Cents | undefined {
  return str(values[name]) === undefined ? undefined : money(values, name);
}

function amountUsage(name: string, text: string, code: AmountErrorCode): AmountError {
  const problem = describeAmountProblem(`--${name}`, text, code);
  const advice =
    code === 'zero'
      ? ': a payment of nothing is refused before it reaches the terminal'
      : code === 'negative' && name === 'amount'
        ? '; to give money back use `bluechip refund`'
        : '';
  return new AmountError(code, problem + advice, text);
}

function oneOf<T extends string>(
  values: Parsed['values'],
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = str(values[name]);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** Optional string parameters shared by several commands, dropped when absent. */
function common(values: Parsed['values']) {
  return {
    merchantId: str(values.merchant),
    clerkId: str(values.clerk),
    invoiceNo: str(values.invoice),
  };
}

export const paymentCommands: readonly Command[] = [
  operationCommand({
    name: 'sale',
    summary: 'Charge a card.',
    usage:
      '--amount <12.34> [--tip <1.00>] [--tender credit|debit|...] [--invoice <no>] [--clerk <id>] [--order <no>] [--merchant <id>] [--key <order id>]',
    options: { ...key, ...amount, ...tip, ...tender, ...refs, ...merchant },
    operation: ({ values }) => {
      const params = {
        amount: money(values, 'amount', { nonZero: true }),
        tipAmount: optionalMoney(values, 'tip'),
        tenderType: oneOf(values, 'tender', TENDER_TYPES),
        orderNumber: str(values.order),
        ...common(values),
      };
      return {
        label: `sale ${formatAmount(params.amount)}`,
        idempotencyKey: str(values.key),
        waiting: CARD,
        start: (t, o) => t.sale$(params, o),
      };
    },
  }),
  operationCommand({
    name: 'refund',
    summary: 'Refund to a card (the card is presented again).',
    usage:
      '--amount <12.34> [--tip <1.00>] [--tender <type>] [--invoice <no>] [--clerk <id>] [--merchant <id>] [--key <order id>]',
    options: { ...key, ...amount, ...tip, ...tender, ...refs, ...merchant },
    operation: ({ values }) => {
      const params = {
        amount: money(values, 'amount', { nonZero: true }),
        tipAmount: optionalMoney(values, 'tip'),
        tenderType: oneOf(values, 'tender', TENDER_TYPES),
        ...common(values),
      };
      return {
        label: `refund ${formatAmount(params.amount)}`,
        idempotencyKey: str(values.key),
        waiting: CARD,
        start: (t, o) => t.refund$(params, o),
      };
    },
  }),
  operationCommand({
    name: 'void',
    summary: 'Void a transaction of the open batch by its reference number.',
    usage: '--reference <no> [--merchant <id>] [--key <order id>]',
    options: { ...key, ...reference, ...merchant },
    operation: ({ values }) => {
      const params = { referenceNo: required(values, 'reference'), merchantId: str(values.merchant) };
      return {
        label: `void ref ${params.referenceNo}`,
        idempotencyKey: str(values.key),
        waiting: TERMINAL,
        start: (t, o) => t.void$(params, o),
      };
    },
  }),
  operationCommand({
    name: 'pre-auth',
    summary: 'Authorise an amount without capturing it (complete it later).',
    usage:
      '--amount <12.34> [--tip <1.00>] [--invoice <no>] [--clerk <id>] [--order <no>] [--merchant <id>] [--key <order id>]',
    options: { ...key, ...amount, ...tip, ...refs, ...merchant },
    operation: ({ values }) => {
      const params = {
        amount: money(values, 'amount'),
        tipAmount: optionalMoney(values, 'tip'),
        orderNumber: str(values.order),
        ...common(values),
      };
      return {
        label: `pre-auth ${formatAmount(params.amount)}`,
        idempotencyKey: str(values.key),
        waiting: CARD,
        start: (t, o) => t.preAuth$(params, o),
      };
    },
  }),
  operationCommand({
    name: 'complete',
    summary: 'Complete (capture) a pre-auth by its reference number.',
    usage:
      '--reference <no> --amount <12.34> [--order <no>] [--invoice <no>] [--merchant <id>] [--key <order id>]',
    options: { ...key, ...reference, ...amount, ...refs, ...merchant },
    operation: ({ values }) => {
      const params = {
        referenceNo: required(values, 'reference'),
        amount: money(values, 'amount'),
        orderNumber: str(values.order),
        ...common(values),
      };
      return {
        label: `complete ref ${params.referenceNo} ${formatAmount(params.amount)}`,
        idempotencyKey: str(values.key),
        waiting: TERMINAL,
        start: (t, o) => t.preAuthCompletion$(params, o),
      };
    },
  }),
  operationCommand({
    name: 'tip-adjust',
    summary: 'Set the tip of an approved sale by its reference number.',
    usage:
      '--reference <no> --tip <1.00> [--clerk <id>] [--invoice <no>] [--merchant <id>] [--key <order id>]',
    options: { ...key, ...reference, ...tip, ...refs, ...merchant },
    operation: ({ values }) => {
      const params = {
        referenceNo: required(values, 'reference'),
        tipAmount: money(values, 'tip'),
        ...common(values),
      };
      return {
        label: `tip-adjust ref ${params.referenceNo} tip ${formatAmount(params.tipAmount)}`,
        idempotencyKey: str(values.key),
        waiting: TERMINAL,
        start: (t, o) => t.tipAdjust$(params, o),
      };
    },
  }),
  operationCommand({
    name: 'balance',
    summary: 'Card balance inquiry (gift, EBT, debit…).',
    usage: '[--tender credit|debit|ebt|gift] [--merchant <id>]',
    options: { ...tender, ...merchant },
    operation: ({ values }) => {
      const params = {
        tenderType: oneOf(values, 'tender', OPERATIONS.cardBalance.choices.tender_type.choices),
        merchantId: str(values.merchant),
      };
      return { label: 'balance', waiting: CARD, start: (t, o) => t.cardBalance$(params, o) };
    },
  }),
  operationCommand({
    name: 'reprint',
    summary: 'Reprint the last receipt.',
    usage: '[--copy merchant|customer]',
    options: { copy: { type: 'string' } },
    operation: ({ values }) => {
      const copy = oneOf(values, 'copy', ['merchant', 'customer'] as const);
      const params = copy === undefined ? {} : { reprintType: `${copy}_copy` as const };
      return { label: 'reprint', waiting: TERMINAL, start: (t, o) => t.reprintReceipt$(params, o) };
    },
  }),
  operationCommand({
    name: 'recall',
    summary: "Show the terminal's last transaction (use it when an outcome is unknown).",
    usage: '[--merchant <id>]',
    options: { ...merchant },
    operation: ({ values }) => {
      const params = { merchantId: str(values.merchant) };
      return { label: 'recall', waiting: TERMINAL, start: (t, o) => t.recallLastTransaction$(params, o) };
    },
  }),
  operationCommand({
    name: 'settle',
    summary: 'Settle (close) the batch.',
    usage: '[--merchant <id>]',
    options: { ...merchant },
    operation: ({ values }) => {
      const params = { merchantId: str(values.merchant) };
      return { label: 'settle', waiting: 'settling the batch', start: (t, o) => t.settlement$(params, o) };
    },
  }),
];
