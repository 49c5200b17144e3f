export type SimulatorErrorCode = 'bad_setting' | 'bad_scenario' | 'bad_argument' | 'listen_failed';

/** Bad simulator configuration (settings, scenario, CLI arguments) or a server that could not start. */
export class SimulatorError extends Error {
  override readonly name = 'SimulatorError';
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
