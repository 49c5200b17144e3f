import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCliBundle } from '../../../test-support/cli-build.js';

// The Python binding's pytest suite (bindings/python/tests): the bundled bridge against the built-in
// simulator, the shared vectors, mypy --strict, and the wheel installed outside the repository. It runs with
// the interpreter of bindings/python/.venv, which `node bindings/python/scripts/test-venv.mjs` creates with
// pytest, mypy and hatchling from PyPI (.ci/run does it). Without that venv the suite is skipped, saying so,
// except in CI (CI=true), where a missing venv is a failure.
const BINDING = fileURLToPath(new URL('../../../bindings/python/', import.meta.url));
const PYTHON = `${BINDING}.venv/bin/python`;

function ready(): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import pytest, mypy'], { stdio: 'ignore' }).status === 0;
}

const available = ready();
const required = process.env.CI === 'true';
if (!available && !required)
  console.warn(
    'bindings/python/.venv (pytest, mypy) is missing: the Python binding suite is skipped. ' +
      'Create it with `node bindings/python/scripts/test-venv.mjs`.',
  );

describe.skipIf(!available && !required)('Python binding (bindings/python)', () => {
  it('passes its pytest suite', async () => {
    expect(available, 'bindings/python/.venv: run `node bindings/python/scripts/test-venv.mjs`').toBe(true);
    buildCliBundle();
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
    // The suite starts the bundled bridge itself; an override from the caller's shell would bypass it.
    delete env.BLUECHIP_BRIDGE_COMMAND;
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
        cwd: BINDING,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      const bound = setTimeout(() => child.kill('SIGKILL'), 570_000);
      child.on('close', (exitCode) => {
        clearTimeout(bound);
        resolve({ code: exitCode, output });
      });
    });
    expect(output).toMatch(/\d+ passed/);
    expect(output).not.toMatch(/\d+ (failed|error)/);
    expect(code, output).toBe(0);
  }, 600_000);
});
