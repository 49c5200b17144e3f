import { maskCardNumber, maskPan } from '@bluechip-ws/protocol';
import { h } from './dom.js';
import { money } from './format.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const str = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;

/** The outcome as a receipt: merchant, masked card, auth and reference numbers, amounts, EMV, signature. */
export function receipt(outcome: Obj): HTMLElement {
  const result = obj(outcome.result) ?? {};
  const card = obj(result.card) ?? {};
  const rows: [string, string | undefined][] = [
    ['Merchant', str(result.merchantId)],
    ['Terminal', str(result.terminalId)],
    [
      'Date',
      [str(result.transactionDate), str(result.transactionTime)].filter(Boolean).join(' ') || undefined,
    ],
    ['Type', str(result.type ?? outcome.type)],
    ['Card', str(card.accountNo) === undefined ? undefined : maskCardNumber(String(card.accountNo))],
    ['Brand', str(obj(card.type)?.text)],
    ['Entry', str(obj(card.entryMode)?.text)],
    ['Amount', money(result.transactionAmount) || undefined],
    ['Tip', money(result.tipAmount) || undefined],
    ['Total', money(result.totalAmount) || undefined],
    ['Auth no', str(result.authorizationNo)],
    ['Reference no', str(result.referenceNo)],
    ['Batch no', str(result.batchNo)],
    [
      'Host',
      [str(result.hostResponseCode), str(result.hostResponseText)].filter(Boolean).join(' ') || undefined,
    ],
  ];
  const emv = obj(result.emv);
  const error = obj(outcome.errorInfo);
  const signature = str(result.signature);
  return h(
    'div',
    { class: `receipt kind-${String(outcome.kind)}`, 'data-testid': 'receipt' },
    h(
      'div',
      { class: 'verdict' },
      String(outcome.kind).toUpperCase(),
      outcome.resultStatus ? ` · ${String(outcome.resultStatus)}` : '',
    ),
    h(
      'dl',
      {},
      rows
        .filter(([, v]) => v !== undefined && v !== '')
        .flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-field': k }, v ?? '')]),
    ),
    error === undefined
      ? null
      : h('p', { class: 'error' }, `error ${str(error.code) ?? ''}: ${str(error.text) ?? ''}`),
    emv === undefined || Object.keys(emv).length === 0
      ? null
      : h(
          'details',
          { open: true },
          h('summary', {}, 'EMV'),
          h(
            'dl',
            { class: 'emv' },
            Object.entries(emv).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, maskPan(String(v)))]),
          ),
        ),
    signature === undefined
      ? null
      : h(
          'figure',
          {},
          h('img', {
            src: `data:image/bmp;base64,${signature.replace(/[^A-Za-z0-9+/=]/g, '')}`,
            alt: 'signature',
          }),
          h('figcaption', {}, 'Signature'),
        ),
    h(
      'p',
      { class: 'small' },
      `flow ${String(outcome.flowId ?? '')}${outcome.replayed ? ' · replayed from the journal' : ''}`,
    ),
  );
}
