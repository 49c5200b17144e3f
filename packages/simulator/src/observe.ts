/** One frame in or out of the simulator, with card numbers masked. */
export interface FrameRecord {
  readonly direction: 'in' | 'out';
  /** The (normalized) path of the connection: `/tsi/v1/payment`, or `/` in single-endpoint mode. */
  readonly path: string;
  readonly text: string;
  /** `scheduler.now()` when the frame passed (virtual time under a virtual scheduler). */
  readonly at: number;
  /** Which connection (1, 2, …) carried it. */
  readonly connection: number;
}

export type LogKind =
  | 'connection_opened'
  | 'connection_closed'
  | 'connection_refused'
  | 'connection_replaced'
  | 'invalid_request'
  | 'busy'
  | 'unexpected_frame'
  | 'flow_started'
  | 'flow_completed'
  | 'event_resent'
  | 'ack_ignored'
  | 'stray_ack'
  /** An `event_ack` whose resource is not `{"status":"ok"}` (see the `onWrongAck` setting). */
  | 'ack_wrong_resource'
  | 'flow_abandoned'
  | 'link_dropped_mid_flow'
  | 'link_dropped_by_simulator'
  | 'send_failed'
  | 'internal_error'
  /** Interactive mode: the customer (or the desk's timeout) decided a waiting flow. */
  | 'customer_acted';

/** A notable happening: what the POS under test did wrong, or what the simulator did on purpose. */
export interface LogEntry {
  readonly kind: LogKind;
  readonly message: string;
  readonly at: number;
  readonly connection?: number;
  readonly flow_id?: string;
}
