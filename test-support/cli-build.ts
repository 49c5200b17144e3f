import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The built `bluechip` command, which tests that spawn the CLI run. */
export const CLI_BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

let built = false;

/**
 * Builds the CLI and what it depends on, once per test file (`tsc -b` is incremental: a no-op when `dist`
 * is current). Every package whose tests spawn the real command calls this.
 */
export function buildCli(): void {
  if (built) return;
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-b', 'packages/cli'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  if (!existsSync(CLI_BIN)) throw new Error(`build did not produce ${CLI_BIN}`);
  built = true;
}
