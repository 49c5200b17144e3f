import type { Reported } from './outcome.js';
import type { CertifyScenario } from './scenarios.js';

/** One sale the POS is asked to make, with everything a POS command's placeholders need. */
export interface SaleJob {
  readonly scenario: CertifyScenario;
  /** `5.00` */
  readonly amountText: string;
  readonly cents: number;
  readonly type: 'sale';
  /** An order reference, unique per scenario and run; the same for every attempt of one scenario. */
  readonly reference: string;
  /** `ws://127.0.0.1:50000` (append `/tsi/v1/payment`, or use as is in single-endpoint mode). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly mode: 'multi' | 'single';
  /** A directory the POS may keep state in (a journal) across the attempts of one scenario. */
  readonly stateDir: string;
}

/** One run of a POS command. */
export interface Attempt {
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  /** Bounded tails of the command's output, for the report. */
  readonly stdout: string;
  readonly stderr: string;
  readonly killed: boolean;
}

/** What a driver got from the POS for one scenario. */
export interface DriveResult {
  /** Undefined when nobody reported (interactive mode without an answer). */
  readonly reported: Reported | undefined;
  readonly attempts: readonly Attempt[];
  readonly notes: readonly string[];
}

/** Makes the POS run one sale: by running its command, or by asking a person at it. */
export interface PosDriver {
  readonly mode: 'command' | 'interactive';
  drive(job: SaleJob, hooks: DriveHooks): Promise<DriveResult>;
}

export interface DriveHooks {
  /** Resolves once the terminal is idle again (no flow running), bounded. */
  settle(): Promise<void>;
}
