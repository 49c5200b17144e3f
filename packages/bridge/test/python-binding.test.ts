import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCli, CLI } from './support.js';

// The Python binding's unittest suite (bindings/python/tests), against the built-in simulator through the
// built CLI. Python 3 is on every machine we support; where it is missing the suite is skipped, saying so.
const BINDING = fileURLToPath(new URL('../../../bindings/python/', import.meta.url));

function python(): string | undefined {
  try {
    const version = execFileSync('python3', ['-c', 'import sys; print(sys.version_info >= (3, 9))'], {
      encoding: 'utf8',
    });
    return version.trim() === 'True' ? 'python3' : undefined;
  } catch {
    return undefined;
  }
}

const interpreter = python();
if (interpreter === undefined)
  console.warn('python3 (>= 3.9) not found: the Python binding suite is skipped');

describe.skipIf(interpreter === undefined)('Python binding (bindings/python)', () => {
  it('passes its unittest suite', async () => {
    buildCli();
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(interpreter as string, ['-m', 'unittest', 'discover', '-s', 'tests', '-v'], {
        cwd: BINDING,
        env: {
          ...process.env,
          BLUECHIP_BRIDGE_COMMAND: `"${process.execPath}" "${CLI}" serve --stdio`,
          PYTHONDONTWRITEBYTECODE: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      const bound = setTimeout(() => child.kill('SIGKILL'), 170_000);
      child.on('close', (exitCode) => {
        clearTimeout(bound);
        resolve({ code: exitCode, output });
      });
    });
    expect(output).toMatch(/Ran \d+ tests/);
    expect(code, output).toBe(0);
  }, 180_000);
});
