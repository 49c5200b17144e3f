import { CodedError } from '@bluechip-ws/protocol';
export type SimulatorErrorCode = 'bad_setting' | 'bad_scenario' | 'bad_argument' | 'listen_failed';

/** Bad simulator configuration (settings, scenario, CLI arguments) or a server that could not start. */
export class SimulatorError extends CodedError<SimulatorErrorCode> {
  override readonly name = 'SimulatorError';
}
