import { effectOf, type JsonObject, sendsAmountToHost } from '@bluechip-ws/protocol';
import { readCents } from '@bluechip-ws/protocol/internal';
import type { BatchEntry } from '../batch.js';
import type { Outcome } from '../outcomes.js';
import { reject } from '../plan.js';
import {
  authorizationCode,
  baseResult,
  money,
  notFoundResult,
  presentCard,
  type RequestContext,
  type TerminalState,
} from '../results.js';
import type { Handler, Production } from './production.js';

const RESULT_STATUS: Partial<Record<Outcome, string>> = {
  declined: 'decline_by_host_or_card',
  cancelled: 'cancelled_by_user',
  timed_out: 'timeout_on_user_input',
};

/** Records a result as the last transaction, nothing else. */
function remember(state: TerminalState): (final: JsonObject | undefined) => void {
  return (final) => {
    state.lastTransaction = final;
  };
}

function referenceOf(ctx: RequestContext): string {
  const ref = ctx.resource.reference_no;
  return typeof ref === 'number' ? String(ref) : typeof ref === 'string' ? ref : '';
}

function addToBatch(ctx: RequestContext, result: JsonObject, amount: number, tip: number): void {
  const ref = result.reference_no;
  if (result.status !== 'approved' || typeof ref !== 'string') return;
  const entry: BatchEntry = {
    reference_no: ref,
    type: ctx.type,
    amount,
    tip,
    voided: false,
    completed: false,
    result,
  };
  ctx.state.batch.add(entry);
}

/** sale, refund, pre_auth, pre_auth_completion, force, auth_only: card presented, host decides. */
export const saleLike: Handler = (ctx, outcome) => {
  const { state, resource, amountsAs } = ctx;
  const amount = readCents(resource.amount) ?? 0;
  const tip = readCents(resource.tip_amount) ?? 0;
  if (state.batch.size >= state.settings.batchLimit) return reject('batch full: run a settlement first', '2');
  let preAuth: BatchEntry | undefined;
  if (ctx.type === 'pre_auth_completion') {
    preAuth = state.batch.find(referenceOf(ctx));
    if (preAuth === undefined || preAuth.type !== 'pre_auth' || preAuth.voided || preAuth.completed) {
      const result = notFoundResult(ctx, referenceOf(ctx));
      return { results: [result], record: remember(state) };
    }
  }
  const result = baseResult(ctx);
  // A partial approval (a prepaid or gift card short of funds) approves less than was asked: half here.
  const approved = outcome === 'partially_approved' ? Math.floor(amount / 2) : amount;
  result.transaction_amount = money(approved, amountsAs);
  result.total_amount = money(approved + tip, amountsAs);
  if (tip > 0) result.tip_amount = money(tip, amountsAs);
  const status = RESULT_STATUS[outcome];
  if (status === 'cancelled_by_user' || status === 'timeout_on_user_input') {
    result.status = status;
    result.host_response_text = status === 'cancelled_by_user' ? 'CANCELLED' : 'TIMEOUT';
    return { results: [result], record: remember(state) };
  }
  const { card, emv } = presentCard(state.random);
  result.reference_no = state.batch.allocateReference();
  result.batch_no = String(state.batch.batchNo);
  if (status === 'decline_by_host_or_card') {
    result.status = status;
    result.host_response_code = '05';
    result.host_response_text = 'DECLINED';
  } else {
    const auth = authorizationCode(state.random);
    result.status = 'approved';
    result.authorization_no = auth;
    result.host_response_code = '00';
    result.host_response_text = `APPROVED ${auth}`;
    if (preAuth !== undefined) result.original_reference_no = preAuth.reference_no;
  }
  result.card = card;
  if (emv !== undefined) result.emv = emv;
  return {
    results: [result],
    record: (final) => {
      state.lastTransaction = final;
      if (final === undefined) return;
      addToBatch(ctx, final, approved, tip);
      if (preAuth !== undefined && final.status === 'approved') preAuth.completed = true;
    },
  };
};

/** void by reference_no: unknown, already voided or not voidable → transaction_record_not_found. */
export const voidTransaction: Handler = (ctx) => {
  const { state, amountsAs } = ctx;
  const ref = referenceOf(ctx);
  const entry = state.batch.find(ref);
  if (entry === undefined || entry.voided || !sendsAmountToHost(entry.type)) {
    return { results: [notFoundResult(ctx, ref)], record: remember(state) };
  }
  const result = baseResult(ctx);
  result.status = 'approved';
  result.reference_no = state.batch.allocateReference();
  result.original_reference_no = ref;
  result.batch_no = String(state.batch.batchNo);
  result.transaction_amount = money(entry.amount, amountsAs);
  result.total_amount = money(entry.amount + entry.tip, amountsAs);
  for (const key of ['authorization_no', 'card'] as const) {
    if (entry.result[key] !== undefined) result[key] = entry.result[key];
  }
  result.host_response_text = 'VOIDED';
  return {
    results: [result],
    record: (final) => {
      state.lastTransaction = final;
      if (final?.status === 'approved') entry.voided = true;
    },
  };
};

/** tip_adjust by reference_no: sets the tip of an approved, unvoided sale. */
export const tipAdjust: Handler = (ctx) => {
  const { state, resource, amountsAs } = ctx;
  const ref = referenceOf(ctx);
  const entry = state.batch.find(ref);
  if (entry === undefined || entry.voided || effectOf(entry.type) !== 'charge') {
    return { results: [notFoundResult(ctx, ref)], record: remember(state) };
  }
  const tip = readCents(resource.tip_amount) ?? 0;
  const result: Record<string, unknown> = { ...entry.result, ...baseResult(ctx) };
  result.status = 'approved';
  result.reference_no = ref;
  result.tip_amount = money(tip, amountsAs);
  result.total_amount = money(entry.amount + tip, amountsAs);
  result.host_response_text = 'TIP ADJUSTED';
  return {
    results: [result],
    record: (final) => {
      state.lastTransaction = final;
      if (final?.status === 'approved') entry.tip = tip;
    },
  };
};

export const cardBalanceInquiry: Handler = (ctx) => {
  const { card } = presentCard(ctx.state.random);
  const result = baseResult(ctx);
  result.status = 'approved';
  result.card = card;
  result.available_balance = money(Math.floor(ctx.state.random() * 50_000), ctx.amountsAs);
  result.host_response_text = 'BALANCE';
  return { results: [result] };
};

export const recallLastTransaction: Handler = (ctx) => {
  const last = ctx.state.lastTransaction;
  return { results: [last ?? notFoundResult(ctx)] };
};

export const reprintReceipt: Handler = (ctx) => {
  const last = ctx.state.lastTransaction;
  if (last === undefined) return { results: [notFoundResult(ctx)] };
  const copy = ctx.resource.reprint_type === 'merchant_copy' ? 'MERCHANT COPY' : 'CUSTOMER COPY';
  const result = baseResult(ctx);
  result.status = 'approved';
  if (last.reference_no !== undefined) result.reference_no = last.reference_no;
  result.receipt_information = {
    header: ['BLUECHIP SIMULATOR', copy],
    lines: receiptLines(last),
  };
  return { results: [result] };
};

export function receiptLines(r: JsonObject): string[] {
  const card = r.card as { account_no?: unknown; type?: { text?: unknown } } | undefined;
  return [
    `${String(r.type ?? '').toUpperCase()}  ${String(r.status ?? '')}`,
    `DATE ${String(r.transaction_date ?? '')} ${String(r.transaction_time ?? '')}`,
    `REF ${String(r.reference_no ?? '-')}  AUTH ${String(r.authorization_no ?? '-')}`,
    `CARD ${String(card?.type?.text ?? '-')} ${String(card?.account_no ?? '-')}`,
    `TOTAL ${String(r.total_amount ?? '-')}`,
  ];
}

/** settlement / auto_settlement: a `proceed` event, then the totals; the batch resets. */
export const settlement: Handler = (ctx) => {
  const { state, amountsAs } = ctx;
  const totals = state.batch.totals();
  const shape = state.settings.settlementShape;
  const m = (n: number) => money(n, amountsAs);
  const terminal_total =
    typeof shape === 'function'
      ? shape(totals, amountsAs)
      : shape === 'array'
        ? [
            {
              batch_sale_count: String(totals.sale_count),
              batch_sale_amount: m(totals.sale_amount),
              batch_refund_count: String(totals.refund_count),
              batch_refund_amount: m(totals.refund_amount),
              batch_void_count: String(totals.void_count),
              batch_void_amount: m(totals.void_amount),
            },
          ]
        : {
            sale_count: String(totals.sale_count),
            sale_amount: m(totals.sale_amount),
            refund_count: String(totals.refund_count),
            refund_amount: m(totals.refund_amount),
            void_count: String(totals.void_count),
            void_amount: m(totals.void_amount),
          };
  const batch_no = String(totals.batch_no);
  const progress = {
    ...baseResult(ctx),
    status: 'in_progress',
    batch_no,
    host_response_text: 'SETTLEMENT IN PROGRESS',
  };
  const closed = {
    ...baseResult(ctx),
    status: 'approved',
    batch_no,
    terminal_total,
    host_response_text: 'BATCH CLOSED',
  };
  const receipt = {
    ...baseResult(ctx),
    status: 'receipt_information',
    batch_no,
    receipt_information: {
      header: ['BLUECHIP SIMULATOR', `SETTLEMENT BATCH ${batch_no}`],
      lines: [
        `SALES   ${totals.sale_count}  ${totals.sale_amount}`,
        `REFUNDS ${totals.refund_count}  ${totals.refund_amount}`,
        `VOIDS   ${totals.void_count}  ${totals.void_amount}`,
      ],
    },
  };
  const production: Production = {
    proceed: [{ status: 'proceed', results: [progress] }],
    results: [closed, receipt],
    record: (final) => {
      if (final?.status === 'approved') state.batch.close();
    },
  };
  return production;
};

/** Payment types the simulator does not model in depth (gift, tabs, tokens…): approved, not batched. */
export const genericPayment: Handler = (ctx) => {
  const { state, resource, amountsAs } = ctx;
  const result = baseResult(ctx);
  result.status = 'approved';
  result.reference_no = state.batch.allocateReference();
  const amount = readCents(resource.amount);
  if (amount !== undefined) {
    result.transaction_amount = money(amount, amountsAs);
    result.total_amount = money(amount, amountsAs);
  }
  const auth = authorizationCode(state.random);
  result.authorization_no = auth;
  result.host_response_text = `APPROVED ${auth}`;
  return { results: [result], record: remember(state) };
};
