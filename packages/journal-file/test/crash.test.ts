import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileJournal } from '../src/index.js';
import { useTempDirs } from './support.js';

const tempDir = useTempDirs();
const childEntry = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
let childScript: string;

beforeAll(async () => {
  // The child runs plain Node, so bundle it (and the TypeScript sources it imports) first.
  childScript = join(tmpdir(), `journal-crash-child-${process.pid}.mjs`);
  await build({
    entryPoints: [childEntry],
    outfile: childScript,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    logLevel: 'silent',
  });
});

afterAll(async () => {
  await rm(childScript, { force: true });
});

/** Runs the child until it has acked `killAfter` appends (or exits), then SIGKILLs it; returns the acked ids. */
function runAndKill(dir: string, start: number, killAfter: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [childScript, dir, String(start), '5000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const match = /^acked (\d+)$/.exec(line);
        if (match) acked.push(Number(match[1]));
      }
      if (acked.length >= killAfter) child.kill('SIGKILL');
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`child failed (${code}): ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('crash safety', () => {
  it('keeps every record whose append resolved when the writer is killed with SIGKILL', async () => {
    const dir = await tempDir();
    const allAcked: number[] = [];
    // Each round kills at a different, random moment; the next round reopens after the crash and goes on.
    for (let round = 0; round < 4; round++) {
      const killAfter = 1 + Math.floor(Math.random() * 400);
      const acked = await runAndKill(dir, round * 10_000, killAfter);
      expect(acked.length).toBeGreaterThan(0);
      allAcked.push(...acked);

      const journal = await openFileJournal(dir, { durability: 'none' });
      try {
        const problems = journal.diagnostics.filter((d) => d.kind !== 'torn_tail' && d.kind !== 'stale_lock');
        expect(problems).toEqual([]);
        const missing: number[] = [];
        for (const n of allAcked) if ((await journal.flow(`c${n}`)) === undefined) missing.push(n);
        expect(missing).toEqual([]);
      } finally {
        await journal.close();
      }
    }
  });
});
