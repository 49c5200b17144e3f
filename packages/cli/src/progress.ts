import type { Progress } from '@bluechip-ws/client';
import { maskPan } from '@bluechip-ws/protocol';
import type { CliIo } from './io.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Step lines on stderr, and a spinner while the terminal waits for the card, only when stderr is a TTY:
 * scripts reading stdout (or `--json`) never see them.
 */
export class ProgressReporter {
  private spinner: ReturnType<typeof setInterval> | undefined;
  private frame = 0;
  private readonly enabled: boolean;

  constructor(private readonly io: CliIo) {
    this.enabled = io.stderr.isTTY === true;
  }

  step(text: string): void {
    if (!this.enabled) return;
    this.clearSpinner();
    this.io.stderr.write(`${text}\n`);
  }

  onProgress(progress: Progress, waiting: string): void {
    if (progress.type === 'started') {
      this.step(`started (flow ${progress.flowId})`);
      this.spin(waiting);
    } else if (progress.type === 'proceed') {
      this.step(`in progress: ${progress.status}`);
      this.spin(waiting);
    } else {
      this.clearSpinner();
    }
  }

  /** Frames for `--verbose`, PAN masked; shown whether or not stderr is a TTY. */
  frameLine(direction: 'in' | 'out', path: string, text: string): void {
    this.clearSpinner();
    this.io.stderr.write(`${direction === 'out' ? '>>' : '<<'} ${path} ${maskPan(text)}\n`);
  }

  stop(): void {
    this.clearSpinner();
  }

  private spin(text: string): void {
    if (!this.enabled || this.spinner !== undefined) return;
    const draw = () => {
      this.io.stderr.write(`\r${SPINNER[this.frame++ % SPINNER.length]} ${text}`);
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
