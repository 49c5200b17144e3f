import { CodedError } from '@bluechip-ws/protocol';
export type CertifyErrorCode = 'bad_option' | 'listen_failed';

/** A run that cannot start: a bad option, or a port the simulator cannot listen on. */
export class CertifyError extends CodedError<CertifyErrorCode> {
  override readonly name = 'CertifyError';
}
