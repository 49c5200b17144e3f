import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './cli-build.js';

/**
 * Every shell block in README.md and docs/*.md fenced as ```` ```sh runnable ```` runs here, as a reader
 * would paste it into a shell at the repository root after `npm start`: so the documented commands cannot
 * drift from the code. A block fails on the first command that fails (`bash -e -o pipefail`).
 *
 * What the harness provides, and the docs say a reader does themselves: the build (`npm start`), the
 * repository's `node_modules/.bin` on PATH (README: "`bluechip` on PATH"), and a simulated terminal behind
 * `BLUECHIP_TERMINAL` standing in for the `bluechip simulate` the reader starts in another shell.
 */

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FENCE = /^```sh runnable[^\n]*\n([\s\S]*?)^```$/gm;

interface Block {
  readonly file: string;
  readonly line: number;
  readonly script: string;
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

function runnableBlocks(file: string): Block[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(FENCE)].map((match) => ({
    file,
    line: text.slice(0, match.index).split('\n').length,
    script: match[1] ?? '',
  }));
}

interface Run {
  readonly code: number | null;
  readonly output: string;
}

/** Runs one block with a bounded output and a kill on timeout; background jobs are stopped at exit. */
function runBlock(script: string, env: NodeJS.ProcessEnv): Promise<Run> {
  // `-e` applies inside the trap too: a `kill` with no jobs must not become the block's exit status.
  const prelude = "trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true' EXIT\n";
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', prelude + script], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      if (output.length < 64_000) output += chunk.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const blocks = markdownFiles().flatMap(runnableBlocks);
let sim: RunningSimulator;
let home: string;

beforeAll(async () => {
  buildCli();
  sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 5 });
  home = mkdtempSync(join(tmpdir(), 'bluechip-docs-'));
}, 120_000);

afterAll(async () => {
  await sim?.close();
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
});

describe('the runnable commands of the docs', () => {
  it('finds runnable blocks in the README and the docs', () => {
    expect(blocks.filter((block) => block.file === 'README.md').length).toBeGreaterThan(0);
    expect(new Set(blocks.map((block) => block.file)).size).toBeGreaterThan(1);
  });

  it.each(blocks.map((block) => [`${block.file}:${block.line}`, block] as const))(
    '%s runs',
    async (_where, block) => {
      const needsNats = /\bnats-server\b/.test(block.script);
      if (needsNats && !existsSync('/usr/sbin/nats-server') && !existsSync('/usr/bin/nats-server')) {
        throw new Error('nats-server is not installed (Debian: apt-get install nats-server; .ci/run does)');
      }
      const env = {
        ...process.env,
        HOME: home,
        PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`,
        BLUECHIP_TERMINAL: sim.url,
      };
      const run = await runBlock(block.script, env);
      expect(run.code, `${block.file}:${block.line} failed:\n${run.output}`).toBe(0);
    },
    160_000,
  );
});
