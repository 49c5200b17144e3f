import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, CLI_BUNDLE } from '../../../test-support/cli-build.js';

// The single-file bundle (dist/bluechip.mjs), copied ALONE into an empty folder outside the repository
// (no node_modules anywhere above it), with only `node` on PATH: the file every binding embeds.
let dir = '';
let env: Record<string, string> = {};

beforeAll(async () => {
  buildCliBundle();
  dir = await mkdtemp(join(tmpdir(), 'bluechip-bundle-'));
  await copyFile(CLI_BUNDLE, join(dir, 'bluechip.mjs'));
  await mkdir(join(dir, 'bin'));
  await symlink(process.execPath, join(dir, 'bin', 'node'));
  env = { PATH: join(dir, 'bin'), HOME: dir };
}, 120_000);

afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bluechip.mjs', ...args],
      { cwd: dir, env, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          stdout,
          stderr,
        });
      },
    );
  });
}

describe('the single-file bundle, alone in an empty folder', () => {
  it('is one file: nothing beside it', async () => {
    expect((await readdir(dir)).sort()).toEqual(['bin', 'bluechip.mjs']);
  });

  it('prints its version and help', async () => {
    const version = await run(['--version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^bluechip \d+\.\d+\.\d+/);
    const help = await run(['serve', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('--stdio');
  });

  it('runs a sale against its own simulator', async () => {
    const simulator = spawn('node', ['bluechip.mjs', 'simulate', '--port', '0', '--event-delay-ms', '10'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        simulator.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          const match = /ws:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (match) resolve(match[0]);
        });
        simulator.once('exit', (code) => reject(new Error(`simulate exited (${code}):\n${out}`)));
      });
      const sale = await run(['sale', '--amount', '12.34', '--json', '--terminal', url]);
      expect(sale.code, sale.stderr).toBe(0);
      expect(JSON.parse(sale.stdout)).toMatchObject({ outcome: 'approved' });
    } finally {
      simulator.kill('SIGINT');
    }
  }, 60_000);

  it('serves the JSON-RPC bridge on stdio', async () => {
    const bridge = spawn('node', ['bluechip.mjs', 'serve', '--stdio'], { cwd: dir, env });
    let out = '';
    const answered = new Promise<string>((resolve) => {
      bridge.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.includes('\n')) resolve(out);
      });
    });
    bridge.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'rpc.discover' })}\n`);
    const line = JSON.parse((await answered).split('\n')[0]!) as { id: number; result: { openrpc: string } };
    bridge.stdin.end();
    expect(line.id).toBe(1);
    expect(line.result.openrpc).toMatch(/^1\./);
  }, 60_000);

  it('passes certify with itself as the POS', async () => {
    const pos = `node "${join(dir, 'bluechip.mjs')}" sale --amount {amount} --json --terminal {url} --endpoint-mode {mode} --key {reference} --journal {state}`;
    const report = await run(['certify', '--port', '0', '--time-scale', '0.01', '--pos-command', pos]);
    expect(report.code, report.stdout + report.stderr).toBe(0);
    expect(report.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed/);
  }, 180_000);
});
