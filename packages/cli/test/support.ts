import { execFile, spawn } from 'node:child_process';
import { CLI_BIN } from '../../../test-support/cli-build.js';

export { buildCli } from '../../../test-support/cli-build.js';
export const BIN = CLI_BIN;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The stdout parsed as the one `--json` object (throws when it is not exactly one JSON line). */
  json(): Record<string, unknown>;
}

/** Runs the built `bluechip` as a child process; never rejects. */
export function bluechip(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({
          code,
          stdout,
          stderr,
          json: () => {
            const lines = stdout.trim().split('\n');
            if (lines.length !== 1) throw new Error(`expected one JSON line on stdout, got:\n${stdout}`);
            return JSON.parse(lines[0]!) as Record<string, unknown>;
          },
        });
      },
    );
  });
}

/** Starts `bluechip simulate` as a child on a free port; resolves once it printed its URL. */
export function simulateChild(args: readonly string[] = []) {
  const child = spawn(process.execPath, [BIN, 'simulate', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${stdout}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /ws:\/\/127\.0\.0\.1:\d+/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', () => reject(new Error(`simulate exited early:\n${stdout}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    output: () => stdout,
    /** SIGINT, as Ctrl-C; resolves with the exit code. */
    async stop(): Promise<number | null> {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
