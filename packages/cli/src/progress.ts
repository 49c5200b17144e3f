import type { Progress } from '@bluechip-ws/client';
import { maskPan } from '@bluechip-ws/protocol';
import type { CliIo } from './io.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** `0:07`, `1:32`: the wait so far, as a cashier reads it. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * Step lines on stderr, a spinner while connecting and, while the terminal waits for the customer, a
 * spinner with the time waited so far. Only when stderr is a TTY: scripts reading stdout (or `--json`)
 * never see them.
 */
export class ProgressReporter {
  private spinner: ReturnType<typeof setInterval> | undefined;
  private frame = 0;
  private readonly enabled: boolean;
  /** When the terminal started the flow: the counter runs from there across `proceed` steps. */
  private waitingSince: number | undefined;

  constructor(
    private readonly io: CliIo,
    private readonly now: () => number = Date.now,
  ) {
    this.enabled = io.stderr.isTTY === true;
  }

  step(text: string): void {
    if (!this.enabled) return;
    this.clearSpinner();
    this.io.stderr.write(`${text}\n`);
  }

  /** A dial started: spins until the link opens or the operation ends. */
  connecting(url: string): void {
    this.spin(`connecting to ${url}`);
  }

  connected(url: string): void {
    if (this.spinner !== undefined) this.step(`connected to ${url}`);
  }

  onProgress(progress: Progress, waiting: string): void {
    if (progress.type === 'started') {
      this.step(`started (flow ${progress.flowId})`);
      this.waitingSince = this.now();
      this.spin(waiting, this.waitingSince);
    } else if (progress.type === 'proceed') {
      this.step(`in progress: ${progress.status}`);
      this.spin(waiting, this.waitingSince ?? this.now());
    } else {
      this.clearSpinner();
    }
  }

  /** Frames for `--verbose`, PAN masked; shown whether or not stderr is a TTY. */
  frameLine(direction: 'in' | 'out', path: string, text: string): void {
    this.clearSpinner();
    this.io.stderr.write(`${direction === 'out' ? '>>' : '<<'} ${path} ${maskPan(text)}\n`);
  }

  /** Lines of `--trace`; shown whether or not stderr is a TTY. */
  traceLines(lines: readonly string[]): void {
    this.clearSpinner();
    for (const line of lines) this.io.stderr.write(`${line}\n`);
  }

  stop(): void {
    this.clearSpinner();
  }

  private spin(text: string, since?: number): void {
    if (!this.enabled) return;
    this.clearSpinner();
    const draw = () => {
      const clock = since === undefined ? '' : `  ${formatElapsed(this.now() - since)}`;
      this.io.stderr.write(`\r\x1b[2K${SPINNER[this.frame++ % SPINNER.length]} ${text}${clock}`);
    };
    draw();
    this.spinner = setInterval(draw, 100);
    this.spinner.unref?.();
  }

  private clearSpinner(): void {
    if (this.spinner === undefined) return;
    clearInterval(this.spinner);
    this.spinner = undefined;
    this.io.stderr.write('\r\x1b[2K');
  }
}
