import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@bluechip-ws/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, spawnAgent } from './agent-process.js';
import { singleServer } from './nats-server.js';
import { hasNatsServer } from './support.js';

function io() {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      env: {},
    },
    out: () => out,
    err: () => err,
  };
}

describe('bluechip agent: command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bluechip-agent-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help prints the usage and exits 0', async () => {
    const run = io();
    expect(await runCli(['agent', '--help'], run.io)).toBe(0);
    expect(run.out()).toMatch(/bluechip agent --config/);
  });

  it('refuses a missing --config, an unknown option and a bad config with exit 1 and a message', async () => {
    const missing = io();
    expect(await runCli(['agent'], missing.io)).toBe(1);
    expect(missing.err()).toMatch(/--config <agent.json> is required/);
    const unknown = io();
    expect(await runCli(['agent', '--confg', 'x'], unknown.io)).toBe(1);
    expect(unknown.err()).toMatch(/confg/);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ site: 'a b', terminals: [] }));
    const bad = io();
    expect(await runCli(['agent', '--config', file], bad.io)).toBe(1);
    expect(bad.err()).toMatch(/site must be/);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{');
    const broken = io();
    expect(await runCli(['agent', '--config', notJson], broken.io)).toBe(1);
    expect(broken.err()).toMatch(/is not JSON/);
  });
});

describe.skipIf(!hasNatsServer())('bluechip agent: process', () => {
  let server: Awaited<ReturnType<typeof singleServer>>;
  const dir = mkdtempSync(join(tmpdir(), 'bluechip-agent-proc-'));

  beforeAll(async () => {
    buildCli();
    server = await singleServer();
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = () => ({
    site: 'cli',
    nats: { servers: server.url },
    terminals: [{ id: 'lane1', simulator: true }],
  });

  // Issue 24, defect 10: the reader of "serving" could signal before the handlers were installed.
  it('prints "serving …" once subscribed, and exits 0 on SIGTERM sent the moment it reads that line', async () => {
    const agent = spawnAgent(join(dir, 'a.json'), config());
    expect(await agent.ready).toMatch(/^serving cli: 1 terminal\(s\) \(lane1\)/);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.stderr()).toMatch(/SIGTERM: closing/);
  }, 90_000);

  it('a SIGTERM as soon as the process runs (before it serves) still drains and exits 0, without "serving"', async () => {
    const agent = spawnAgent(join(dir, 'b.json'), config());
    await agent.stderrMatches(/info: starting/);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.stderr()).toMatch(/SIGTERM: closing/);
    await expect(agent.ready).rejects.toThrow(/before serving/);
  }, 90_000);

  it('a second SIGTERM while it drains does not kill it', async () => {
    const agent = spawnAgent(join(dir, 'c.json'), config());
    await agent.ready;
    agent.child.kill('SIGTERM');
    await agent.stderrMatches(/SIGTERM: closing/);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});
