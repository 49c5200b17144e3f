export type CertifyErrorCode = 'bad_option' | 'listen_failed';

/** A run that cannot start: a bad option, or a port the simulator cannot listen on. */
export class CertifyError extends Error {
  override readonly name = 'CertifyError';
  constructor(
    readonly code: CertifyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
