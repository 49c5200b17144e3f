import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../test-support/cli-build.js';

// The Go binding's own suite (`go vet`, `go test ./...` in bindings/go), run by `npm test` through here.
// Its tests spawn the built CLI (`serve --stdio`, `serve --listen`, `agent`) and the simulator. Where Go
// is missing the suite is skipped, saying so.
const GO_DIR = fileURLToPath(new URL('./', import.meta.url));

const hasGo = (() => {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasGo) console.warn('go not found: the Go binding (bindings/go) is not tested');

function go(args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'go',
      args,
      { cwd: GO_DIR, timeout: timeoutMs, maxBuffer: 16 << 20, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

// The single-file bridge, when the build made it (npm run build): go generate embeds a copy, so that
// TestEmbeddedBridge runs the default carrier; without it that test skips, saying so.
const BUNDLE = fileURLToPath(new URL('../../packages/cli/dist/bluechip.mjs', import.meta.url));

beforeAll(async () => {
  buildCli();
  if (hasGo && existsSync(BUNDLE)) {
    const { code, output } = await go(['generate', './...'], 120_000);
    if (code !== 0) throw new Error(`go generate: ${output}`);
  }
}, 180_000);

// Under CI (`CI=true`) a machine without Go fails the suite instead of skipping it: CI must run it.
describe.skipIf(!hasGo && process.env.CI !== 'true')('bindings/go', () => {
  it('go vet ./... is clean', async () => {
    const { code, output } = await go(['vet', './...'], 300_000);
    expect(code, output).toBe(0);
  }, 310_000);

  it('go test ./... passes against the simulator', async () => {
    const { code, output } = await go(['test', '-count=1', '-timeout', '15m', './...'], 960_000);
    expect(code, output).toBe(0);
  }, 970_000);
});
