import type { JsonObject } from '@bluechip-ws/protocol';
import { baseResult, type RequestContext } from '../results.js';
import { receiptLines } from './payment.js';
import type { Handler } from './production.js';

function report(ctx: RequestContext, title: string, lines: readonly string[]): JsonObject {
  const result = baseResult(ctx);
  result.status = 'receipt_information';
  result.receipt_information = { header: ['BLUECHIP SIMULATOR', title], lines };
  return result;
}

/** Every transaction of the open batch, one line each. */
export const detailReport: Handler = (ctx) => {
  const entries = ctx.state.batch.list();
  const lines = entries.map(
    (e) => `REF ${e.reference_no}  ${e.type.toUpperCase()}  ${e.amount + e.tip}${e.voided ? '  VOIDED' : ''}`,
  );
  return { results: [report(ctx, 'DETAIL REPORT', lines.length === 0 ? ['NO TRANSACTIONS'] : lines)] };
};

export const summaryReport: Handler = (ctx) => {
  const t = ctx.state.batch.totals();
  return {
    results: [
      report(ctx, 'SUMMARY REPORT', [
        `BATCH ${t.batch_no}`,
        `SALES   ${t.sale_count}  ${t.sale_amount}`,
        `REFUNDS ${t.refund_count}  ${t.refund_amount}`,
        `VOIDS   ${t.void_count}  ${t.void_amount}`,
      ]),
    ],
  };
};

export const emvLastTxReport: Handler = (ctx) => {
  const last = ctx.state.lastTransaction;
  return {
    results: [
      report(ctx, 'EMV LAST TRANSACTION', last === undefined ? ['NO TRANSACTION'] : receiptLines(last)),
    ],
  };
};

/** The last error event or refused request, as lines. */
export const recentError: Handler = (ctx) => {
  const e = ctx.state.lastError;
  const lines =
    e === undefined
      ? ['NO RECENT ERROR']
      : [`CODE ${String(e.code ?? '')}`, `TEXT ${String(e.text ?? '')}`, `TIME ${String(e.time ?? '')}`];
  return { results: [report(ctx, 'RECENT ERROR', lines)] };
};

export const genericReport: Handler = (ctx) => ({
  results: [report(ctx, ctx.type.toUpperCase().replaceAll('_', ' '), ['END OF REPORT'])],
});
