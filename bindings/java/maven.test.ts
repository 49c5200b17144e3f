import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCli } from '../../test-support/cli-build.js';

// The Java binding's own suite (`mvn verify`: JUnit 5 against the simulator, through the built CLI or the
// embedded bundle). Java 17 and Maven are on every machine we support; where either is missing the suite is
// skipped, saying so. Maven resolves its dependencies from Maven Central on first use, then from ~/.m2.
const PROJECT = fileURLToPath(new URL('./', import.meta.url));
const REPORTS = join(PROJECT, 'target', 'surefire-reports');

function available(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const maven = available('mvn', ['-v']) && available('java', ['-version']);
if (!maven) console.warn('mvn or java not found: the Java binding suite is skipped');

/** Tests surefire ran, from its reports (a suite that ran nothing must not pass). */
function testsRun(): { run: number; failed: number } {
  let run = 0;
  let failed = 0;
  for (const file of readdirSync(REPORTS).filter((f) => f.endsWith('.txt'))) {
    const text = readFileSync(join(REPORTS, file), 'utf8');
    for (const m of text.matchAll(/Tests run: (\d+), Failures: (\d+), Errors: (\d+)/g)) {
      run += Number(m[1]);
      failed += Number(m[2]) + Number(m[3]);
    }
  }
  return { run, failed };
}

// Under CI (`CI=true`) a machine without Maven or Java fails the suite instead of skipping it.
describe.skipIf(!maven && process.env.CI !== 'true')('Java binding (bindings/java)', () => {
  it('passes mvn verify', async () => {
    buildCli();
    rmSync(REPORTS, { recursive: true, force: true });
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('mvn', ['-q', '-B', 'verify'], {
        cwd: PROJECT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-200_000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const bound = setTimeout(() => child.kill('SIGKILL'), 570_000);
      child.on('close', (exitCode) => {
        clearTimeout(bound);
        resolve({ code: exitCode, output });
      });
    });
    expect(code, output).toBe(0);
    const { run, failed } = testsRun();
    expect(failed, output).toBe(0);
    expect(run).toBeGreaterThan(10);
  }, 600_000);
});
