// The Go binding's cost per call against the in-process TypeScript client, as paired medians (the method:
// bindings/bench/paired-overhead.mjs). The Go side is bindings/go/internal/overhead, with the bridge as its
// child. Run after `npx tsc -b` (it imports the built client); it runs `go build` itself:
// `node bindings/go/bench/overhead.mjs [--rounds 9] [--n 100] [--warmup 1000]`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureOverhead, overheadOptions } from '../../bench/paired-overhead.mjs';

const options = overheadOptions();
const GO_DIR = fileURLToPath(new URL('../', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'bluechip-go-overhead-'));
try {
  const binary = join(dir, 'overhead');
  execFileSync('go', ['build', '-o', binary, './internal/overhead'], { cwd: GO_DIR, stdio: 'inherit' });
  await measureOverhead({ ...options, label: 'Go', command: binary, args: [] });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
