import type { TransactionOutcome } from '@bluechip-ws/client';
import {
  CARD_NUMBER_KEYS,
  formatAmount,
  maskCardNumber,
  maskCardNumbers,
  maskPan,
  type TransactionResult,
} from '@bluechip-ws/protocol';
import type { CliIo } from './io.js';
import { type CommandReport, jsonReport } from './outcome-report.js';

/** Prints a command's end: the outcome on stdout (text or one JSON object), a one-line message on stderr. */
export function writeReport(report: CommandReport, io: CliIo, json: boolean): void {
  // Only card-number fields are masked: the EMV AID, invoice and transaction numbers are printed as sent.
  if (json) io.stdout.write(`${JSON.stringify(maskCardNumbers(jsonReport(report)))}\n`);
  else if (report.transaction !== undefined) io.stdout.write(describeOutcome(report.transaction));
  if (report.message !== undefined) io.stderr.write(`bluechip: ${report.message}\n`);
}

/** `approved  sale  12.34  auth 913633  ref 1  card ************1006  flow 482913`, then details. */
export function describeOutcome(outcome: TransactionOutcome): string {
  const lines = [summaryLine(outcome)];
  for (const result of outcome.results) lines.push(...detailLines(result));
  return `${lines.join('\n')}\n`;
}

export function summaryLine(outcome: TransactionOutcome): string {
  const r = outcome.result;
  const parts: string[] = [KIND_LABELS[outcome.kind] ?? outcome.kind, outcome.type];
  if (outcome.partial !== undefined) {
    parts.push(
      `${formatAmount(outcome.partial.approved)} of ${formatAmount(outcome.partial.requested)} requested`,
    );
  }
  if (r !== undefined) parts.push(...resultFields(r, outcome.partial === undefined));
  const info = outcome.errorInfo;
  if (info !== undefined) {
    if (info.text !== undefined) parts.push(`error "${info.text}"`);
    if (info.code !== undefined) parts.push(`code ${info.code}`);
    if (info.code_extended !== undefined) parts.push(`extended ${info.code_extended}`);
  }
  parts.push(`flow ${outcome.flowId}`);
  if (outcome.replayed === true) parts.push('(from the journal: nothing sent)');
  return parts.join('  ');
}

const KIND_LABELS: Partial<Record<TransactionOutcome['kind'], string>> = {
  timed_out: 'timeout',
  partially_approved: 'partially-approved',
  not_found: 'not-found',
};

/** The result's own fields for a summary line; `withAmount` false when the caller already showed it. */
export function resultFields(r: TransactionResult, withAmount = true): string[] {
  const parts: string[] = [];
  const amount = r.totalAmount ?? r.transactionAmount;
  if (amount !== undefined && withAmount) parts.push(formatAmount(amount));
  if (r.tipAmount !== undefined && r.tipAmount > 0) parts.push(`tip ${formatAmount(r.tipAmount)}`);
  if (r.authorizationNo !== undefined) parts.push(`auth ${r.authorizationNo}`);
  if (r.referenceNo !== undefined) parts.push(`ref ${r.referenceNo}`);
  if (r.card?.accountNo !== undefined) parts.push(`card ${maskCardNumber(r.card.accountNo)}`);
  if (r.hostResponseText !== undefined) parts.push(`"${r.hostResponseText}"`);
  return parts;
}

/** Label/value data (terminal_info parameters, unknown tags) and fields the summary does not show. */
function detailLines(r: TransactionResult): string[] {
  const lines: string[] = [];
  for (const [key, value] of r.parameters) lines.push(`  ${key}: ${scalar(value)}`);
  for (const [key, value] of r.unknownTags) lines.push(`  ${key}: ${scalar(value)}`);
  const shown = new Set([
    'status',
    'type',
    'authorization_no',
    'reference_no',
    'total_amount',
    'transaction_amount',
    'tip_amount',
    'card',
    'host_response_text',
    'parameters',
    'unknown',
    'emv',
    'transaction_date',
    'transaction_time',
    'terminal_id',
    'merchant_id',
    'batch_no',
    'host_response_code',
  ]);
  for (const [key, value] of Object.entries(r.raw)) {
    if (!shown.has(key)) lines.push(`  ${key}: ${scalar(maskCardNumbers(value), CARD_NUMBER_KEYS.has(key))}`);
  }
  return lines;
}

function scalar(value: unknown, cardNumber = false): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return cardNumber ? maskPan(text) : text;
}
