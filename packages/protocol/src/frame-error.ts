import type { EnvelopeKind } from './envelope.js';

export type FrameErrorKind =
  | 'binary_frame'
  | 'too_large'
  | 'not_json'
  | 'not_object'
  | 'no_envelope'
  | 'several_envelopes'
  | 'bad_envelope'
  | 'bad_flow_id'
  | 'bad_endpoint'
  | 'bad_resource';

/** Why a frame could not be decoded. Plain data: the codec layer stays pure and allocation-light. */
export interface FrameError {
  readonly kind: FrameErrorKind;
  readonly message: string;
  /** The envelope key, when the frame got far enough to have one. */
  readonly envelope?: EnvelopeKind;
  /** The flow id, when the frame had a valid one (lets the core attribute a bad resource to its flow). */
  readonly flow_id?: string;
}

export function frameError(
  kind: FrameErrorKind,
  message: string,
  envelope?: EnvelopeKind,
  flow_id?: string,
): FrameError {
  const error: { -readonly [K in keyof FrameError]: FrameError[K] } = { kind, message };
  if (envelope !== undefined) error.envelope = envelope;
  if (flow_id !== undefined) error.flow_id = flow_id;
  return error;
}
