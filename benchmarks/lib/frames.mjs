// Realistic TSI frames (tsi-notes §8 A): a sale result of about 600 bytes, its response and its ack.

/** The `results[0]` of an approved sale, as a Move5000 reports it. */
export const SALE_RESULT = {
  status: 'approved',
  type: 'sale',
  authorization_no: '191509',
  reference_no: '3',
  total_amount: '6417',
  transaction_amount: '6417',
  tip_amount: '0',
  cashback_amount: '0',
  transaction_date: '26/07/14',
  transaction_time: '04:21:22',
  terminal_id: '001',
  merchant_id: 'VISAMID0123',
  host_response_text: 'APPROVED 191509',
  batch_no: '1',
  invoice_no: '000003',
  card: {
    account_no: '************2205',
    cardholder_name: 'CARDHOLDER/TEST',
    expiry_date: '**/**',
    entry_mode: { code: '0', text: 'magnetic_strip' },
    type: { code: '02', text: 'mastercard' },
  },
};

/** `{"event":{"flow_id":…,"resource":{"status":…,"seq":…,"results":[…]}}}`, about 600 bytes. */
export function saleEvent(flowId, status = 'completed', seq = 0) {
  return JSON.stringify({ event: { flow_id: flowId, resource: { status, seq, results: [SALE_RESULT] } } });
}

/**
 * A factory for distinct `proceed` frames of one shape: the session dedupes events by frame text, so every
 * delivered frame must differ. Only the flow id and the sequence number change; the result is flattened so
 * the hot path and the floor parse the same kind of string.
 */
export function proceedFrames() {
  const body = JSON.stringify({ results: [SALE_RESULT] }).slice(1);
  return (flowId, seq) =>
    flat(`{"event":{"flow_id":"${flowId}","resource":{"status":"proceed","seq":${seq},${body}}}`);
}

export function responseFrame(flowId, status = 'started') {
  return JSON.stringify({ response: { flow_id: flowId, resource: { status } } });
}

export const SALE_REQUEST = { type: 'sale', amount: 6417 };

/** Flattens a concatenated (rope) string in place, so it looks like a decoded WebSocket message. */
export function flat(text) {
  text.charCodeAt(text.length >> 1);
  return text;
}
