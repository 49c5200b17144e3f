import { spawn } from 'node:child_process';
import type { Attempt, DriveHooks, DriveResult, PosDriver, SaleJob } from './job.js';
import { type Reported, readReport } from './outcome.js';

/** Most bytes kept of a command's stdout (it holds the report) and stderr (shown on failures). */
const MAX_STDOUT = 1024 * 1024;
const MAX_STDERR = 16 * 1024;

const SAFE = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** Quotes a value for `sh`; plain tokens stay as they are. */
export function shellQuote(value: string): string {
  return SAFE.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The values of the placeholders a POS command may use. */
export function placeholders(job: SaleJob): Readonly<Record<string, string>> {
  return {
    amount: job.amountText,
    cents: String(job.cents),
    type: job.type,
    reference: job.reference,
    url: job.url,
    host: job.host,
    port: String(job.port),
    mode: job.mode,
    state: job.stateDir,
    scenario: job.scenario.id,
  };
}

/** Replaces `{amount}`, `{url}`… with shell-quoted values; other braces are left alone. */
export function expandCommand(template: string, job: SaleJob): string {
  const values = placeholders(job);
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : shellQuote(value);
  });
}

function tail(text: string, max: number): string {
  return text.length > max ? `…${text.slice(text.length - max)}` : text;
}

/** Runs one command through the shell, in its own process group; kills the group after `timeoutMs`. */
export function runCommand(
  command: string,
  timeoutMs: number,
  env: Record<string, string>,
): Promise<Attempt> {
  const started = Date.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let killed = false;
    let settled = false;
    const child = spawn(command, {
      shell: true,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const finish = (exitCode: number | null, signal: string | null, extra = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        command,
        exitCode,
        signal,
        durationMs: Date.now() - started,
        stdout: tail(stdout, MAX_STDERR * 4),
        stderr: tail(stderr + extra, MAX_STDERR),
        killed,
      });
    };
    const timer = setTimeout(() => {
      killed = true;
      try {
        if (child.pid !== undefined)
          process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_STDOUT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = tail(stderr + chunk.toString('utf8'), MAX_STDERR);
    });
    child.once('error', (error) => finish(null, null, `\n[kit] could not run the command: ${error.message}`));
    child.once('close', (code, signal) => finish(code, signal));
  });
}

export interface CommandDriverOptions {
  /** The command template, with placeholders. */
  readonly command: string;
  /** A command still running after this long is killed (its process group). */
  readonly timeoutMs: number;
  /** Runs again, same reference, after the POS reported `unknown`: a cashier retrying the order. */
  readonly retries: number;
}

/** Drives the POS by running its command once per scenario (and again on `unknown`, up to `retries`). */
export function commandDriver(options: CommandDriverOptions): PosDriver {
  return {
    mode: 'command',
    async drive(job: SaleJob, hooks: DriveHooks): Promise<DriveResult> {
      const attempts: Attempt[] = [];
      const notes: string[] = [];
      let reported: Reported | undefined;
      for (let i = 0; i <= options.retries; i++) {
        if (i > 0) {
          await hooks.settle();
          notes.push(
            `the POS reported "unknown": run again for the same order (${job.reference}), attempt ${i + 1}`,
          );
        }
        const command = expandCommand(options.command, job);
        const attempt = await runCommand(command, options.timeoutMs, {
          BLUECHIP_CERTIFY_SCENARIO: job.scenario.id,
          BLUECHIP_CERTIFY_URL: job.url,
        });
        attempts.push(attempt);
        if (attempt.killed) {
          reported = { outcome: 'unknown', source: `killed: still running after ${options.timeoutMs} ms` };
          notes.push(`the POS command did not finish within ${options.timeoutMs} ms and was killed`);
          break;
        }
        reported = readReport(attempt.exitCode, attempt.stdout);
        if (reported.outcome !== 'unknown') break;
      }
      return { reported, attempts, notes };
    },
  };
}
