import { ENDPOINTS, endpointOfType, type JsonObject } from '@bluechip-ws/protocol';
import { formatErrorTime } from './clock.js';
import * as info from './handlers/info.js';
import * as payment from './handlers/payment.js';
import type { Handler, Production } from './handlers/production.js';
import * as reports from './handlers/reports.js';
import { type Outcome, outcomeForAmount, SALE_LIKE_TYPES } from './outcomes.js';
import type { FlowPlan, PlannedEvent, Rejection } from './plan.js';
import { reject } from './plan.js';
import type { CheckedRequest } from './request-check.js';
import type { RequestContext, TerminalState } from './results.js';
import type { ScenarioRule } from './scenario.js';

const HANDLERS: Readonly<Record<string, Handler>> = {
  sale: payment.saleLike,
  refund: payment.saleLike,
  pre_auth: payment.saleLike,
  pre_auth_completion: payment.saleLike,
  force: payment.saleLike,
  auth_only: payment.saleLike,
  void: payment.voidTransaction,
  tip_adjust: payment.tipAdjust,
  card_balance_inquiry: payment.cardBalanceInquiry,
  reprint_receipt: payment.reprintReceipt,
  recall_last_transaction: payment.recallLastTransaction,
  settlement: payment.settlement,
  auto_settlement: payment.settlement,
  terminal_info: info.terminalInfo,
  set_date_time: info.setDateTime,
  software_update: info.softwareUpdate,
  detail_report: reports.detailReport,
  summary_report: reports.summaryReport,
  emv_last_tx_report: reports.emvLastTxReport,
  recent_error: reports.recentError,
};

const FALLBACK: Readonly<Record<string, Handler>> = {
  [ENDPOINTS.payment]: payment.genericPayment,
  [ENDPOINTS.info]: info.genericInfo,
  [ENDPOINTS.config]: info.softwareUpdate,
  [ENDPOINTS.reports]: reports.genericReport,
};

const OUTCOME_STATUS: Partial<Record<Outcome, string>> = {
  declined: 'decline_by_host_or_card',
  cancelled: 'cancelled_by_user',
  timed_out: 'timeout_on_user_input',
};

function errorEvent(state: TerminalState, rule: ScenarioRule | undefined): Production {
  const error_info: JsonObject = {
    code: '13',
    code_extended: '0',
    text: 'JsonMapper error: Facility [JsonMapper], code [13], details: simulated processing failure',
    facility: 'JsonMapper',
    time: formatErrorTime(state.clock.now()),
    ...rule?.errorInfo,
  };
  return {
    errorInfo: error_info,
    record: () => {
      state.lastError = error_info;
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/**
 * Decides, when a checked request arrives, everything the terminal will do with it: the events, their
 * delays, the faults to inject and how the outcome is recorded. Outcome: the scenario rule's, else the amount
 * table's (sale-like types only), else approved.
 */
export function planRequest(
  state: TerminalState,
  request: CheckedRequest,
  rule: ScenarioRule | undefined,
): FlowPlan | Rejection {
  const { settings } = state;
  if (rule?.reject !== undefined) return reject(rule.reject, '0');
  const { type, resource } = request;
  const saleLike = SALE_LIKE_TYPES.has(type);
  const outcome: Outcome =
    rule?.outcome ??
    (saleLike && request.amount !== undefined ? outcomeForAmount(request.amount) : 'approved');
  const ctx: RequestContext = { state, type, resource, amountsAs: rule?.amountsAs ?? settings.amountsAs };
  const handler = HANDLERS[type] ?? FALLBACK[endpointOfType(type) ?? ''] ?? payment.genericPayment;
  const produced = handler(ctx, outcome);
  if ('kind' in produced) return produced;
  const production = outcome === 'error_event' ? errorEvent(state, rule) : produced;

  const results = production.results?.map((r) => ({ ...r }));
  const first = results?.[0];
  if (first !== undefined) {
    const forced = rule?.resultStatus ?? (saleLike ? undefined : OUTCOME_STATUS[outcome]);
    if (forced !== undefined) first.status = forced;
    if (rule?.fields !== undefined) Object.assign(first, rule.fields);
  }
  const final: JsonObject =
    production.errorInfo !== undefined
      ? { status: rule?.finalStatus ?? 'error', error_info: production.errorInfo }
      : { status: rule?.finalStatus ?? settings.finalStatus, results: results ?? [] };

  const proceed: JsonObject[] = [...(production.proceed ?? [])];
  for (let i = 0; i < (rule?.proceedEvents ?? 0); i++) {
    proceed.push({ status: 'proceed', results: [{ type, status: 'in_progress' }] });
  }
  const delayMs = rule?.delayMs ?? settings.eventDelayMs;
  const events: PlannedEvent[] =
    outcome === 'no_event' ? [] : [...proceed, final].map((resource) => ({ resource, delayMs }));
  const record = production.record;
  return {
    kind: 'flow',
    events,
    commit: once(() => record?.(first)),
    dropAfterResponse: outcome === 'drop_after_started' || rule?.disconnect === 'after_response',
    duplicateFinal: outcome === 'double_final',
    malformedBeforeFinal: outcome === 'malformed_first',
    disconnect: rule?.disconnect,
    eventBeforeResponse: rule?.eventBeforeResponse === true,
    garbage: rule?.garbage ?? [],
    ignoreAcks: rule?.ignoreAcks ?? 0,
    ackTimeoutMs: rule?.ackTimeoutMs ?? settings.ackTimeoutMs,
    resendLimit: rule?.resendLimit ?? settings.resendLimit,
  };
}
