// The Java binding's cost per call against the in-process TypeScript client, as paired medians (the method:
// bindings/bench/paired-overhead.mjs). The Java side is dev.bluechipws.bench.OverheadBench in the test
// sources (not a test: surefire does not run it), on the test classpath, with the bridge as its child.
// Run after `npx tsc -b` (it imports the built client); it runs `mvn test-compile` itself:
// `node bindings/java/bench/overhead.mjs [--rounds 9] [--n 100] [--warmup 1000] [--offline]` (--offline: mvn -o).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureOverhead, overheadOptions } from '../../bench/paired-overhead.mjs';

const options = overheadOptions({ offline: { type: 'boolean', default: false } });
const JAVA_DIR = fileURLToPath(new URL('../', import.meta.url));

/** Compiles the binding and its test sources; returns the test classpath. */
function classpath(dir) {
  const file = join(dir, 'classpath.txt');
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      ...(options.offline ? ['-o'] : []),
      'test-compile',
      'dependency:build-classpath',
      `-Dmdep.outputFile=${file}`,
      '-Dmdep.includeScope=test',
    ],
    { cwd: JAVA_DIR, stdio: 'inherit' },
  );
  const target = join(JAVA_DIR, 'target');
  return [join(target, 'test-classes'), join(target, 'classes'), readFileSync(file, 'utf8').trim()].join(
    delimiter,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'bluechip-java-overhead-'));
try {
  await measureOverhead({
    ...options,
    label: 'Java',
    command: 'java',
    args: ['-cp', classpath(dir), 'dev.bluechipws.bench.OverheadBench'],
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
