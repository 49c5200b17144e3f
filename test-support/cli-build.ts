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

/** The single-file bundle of the CLI (packages/cli/scripts/bundle-cli.mjs): what the bindings embed. */
export const CLI_BUNDLE = fileURLToPath(new URL('../packages/cli/dist/bluechip.mjs', import.meta.url));

let bundled = false;

/**
 * Builds the single-file bundle, once per test file: the console page first (the bundle inlines it), then
 * the bundle itself, from the TypeScript sources (the script renames a finished file into place, so test
 * files building it in parallel never run half of one).
 */
export function buildCliBundle(): void {
  if (bundled) return;
  for (const script of ['packages/console/scripts/bundle-page.mjs', 'packages/cli/scripts/bundle-cli.mjs'])
    execFileSync(process.execPath, [`${ROOT}${script}`], { cwd: ROOT, stdio: 'pipe' });
  if (!existsSync(CLI_BUNDLE)) throw new Error(`build did not produce ${CLI_BUNDLE}`);
  bundled = true;
}
