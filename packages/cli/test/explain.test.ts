import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../src/index.js';
import { BIN, bluechip, buildCli } from './support.js';

/** The CLI explains itself: its own words for bad input, where a URL came from, what was dialed. */
function bufferIo(env: Record<string, string> = {}, isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s), isTTY },
    env,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** A TCP listener on 127.0.0.1:0 that accepts and never answers: a dial to it hangs in the handshake. */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { server, port: address.port, sockets };
}

async function closeSilent(s: { server: Server; sockets: Socket[] }): Promise<void> {
  for (const socket of s.sockets) socket.destroy();
  await new Promise((resolve) => s.server.close(resolve));
}

/** A port nothing listens on (bound by the OS, then released). */
async function closedPort(): Promise<number> {
  const s = await silentServer();
  await closeSilent(s);
  return s.port;
}

let sim: RunningSimulator;
let silent: Awaited<ReturnType<typeof silentServer>>;
beforeAll(async () => {
  buildCli();
  sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 1 });
  silent = await silentServer();
}, 120_000);
beforeEach(async () => {
  for (let i = 0; i < 100 && sim.snapshot().connections > 0; i++) await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => {
  await sim?.close();
  if (silent !== undefined) await closeSilent(silent);
});

describe('--version and help <command>', () => {
  it('--version prints the package version', async () => {
    const version = (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
    for (const flag of ['--version', '-V']) {
      const out = bufferIo();
      expect(await runCli([flag], out.io)).toBe(0);
      expect(out.stdout()).toBe(`bluechip ${version}\n`);
    }
  });

  it('help <command> prints that command’s help; an unknown one is a usage error', async () => {
    const sale = bufferIo();
    expect(await runCli(['help', 'sale'], sale.io)).toBe(0);
    expect(sale.stdout()).toMatch(/^Usage: bluechip sale --amount/);
    const simulate = bufferIo();
    expect(await runCli(['help', 'simulate'], simulate.io)).toBe(0);
    expect(simulate.stdout()).toContain('--event-delay-ms');
    const unknown = bufferIo();
    expect(await runCli(['help', 'frobnicate'], unknown.io)).toBe(1);
    expect(unknown.stderr()).toBe(
      'bluechip: help: unknown command "frobnicate"; run `bluechip help` for the list\n',
    );
  });
});

describe('usage errors in the CLI’s own words, before dialing', () => {
  it('a negative amount and --timeout 0', async () => {
    const negative = bufferIo();
    expect(await runCli(['sale', '--amount', '-1', '--terminal', sim.url], negative.io)).toBe(1);
    expect(negative.stderr()).toBe(
      'bluechip: --amount must not be negative, got "-1"; to give money back use `bluechip refund` (see `bluechip help`)\n',
    );
    const zero = bufferIo();
    expect(await runCli(['sale', '--amount', '1', '--timeout', '0', '--terminal', sim.url], zero.io)).toBe(1);
    expect(zero.stderr()).toContain('--timeout must be more than 0 and at most 3600 seconds, got "0"');
    const missing = bufferIo();
    expect(await runCli(['sale', '--amount'], missing.io)).toBe(1);
    expect(missing.stderr()).toContain('--amount needs a value');
  });

  it('amount errors name the flag, speak in the units typed, and give shell advice', async () => {
    const cases: [string[], string][] = [
      [
        ['sale', '--amount', '0'],
        '--amount must be more than 0.00: a payment of nothing is refused before it reaches the terminal',
      ],
      [['refund', '--amount', '0.00'], '--amount must be more than 0.00'],
      [['sale', '--amount', 'abc'], '--amount must be an amount like 12.34, got "abc"'],
      [['sale', '--amount', '1', '--tip', 'abc'], '--tip must be an amount like 12.34, got "abc"'],
      [['sale', '--amount', '1000000'], '--amount 1000000 is over the maximum of 999999.99'],
      [['sale', '--amount', '1.234'], '--amount has more than two decimals: "1.234"'],
      [['sale', '--amount', '1', '--tip', '-1'], '--tip must not be negative, got "-1"'],
      [['sale', '--amount', '1', '--tip=-1'], '--tip must not be negative, got "-1"'],
    ];
    const before = silent.sockets.length;
    for (const [args, message] of cases) {
      const out = bufferIo();
      expect(await runCli([...args, '--terminal', `ws://127.0.0.1:${silent.port}`], out.io)).toBe(1);
      expect(out.stderr()).toContain(message);
      expect(out.stderr()).not.toMatch(/cents|allowZeroAmount|connect\(|refund`/);
    }
    expect(silent.sockets.length).toBe(before);
  });

  it('errors name where the URL came from: BLUECHIP_TERMINAL or --terminal', async () => {
    const env = bufferIo({ BLUECHIP_TERMINAL: 'http://10.0.0.5:50000' });
    expect(await runCli(['info'], env.io)).toBe(1);
    expect(env.stderr()).toMatch(
      /^bluechip: BLUECHIP_TERMINAL="http:\/\/10\.0\.0\.5:50000": http:\/\/ is not/,
    );
    const flag = bufferIo({ BLUECHIP_TERMINAL: 'ws://127.0.0.1:50000' });
    expect(await runCli(['info', '--terminal', 'http://x'], flag.io)).toBe(1);
    expect(flag.stderr()).toMatch(/^bluechip: --terminal "http:\/\/x": /);
  });

  it('wss://, a port out of range, a path, an unknown endpoint: usage errors, nothing dialed', async () => {
    const base = `127.0.0.1:${silent.port}`;
    const cases: [string[], RegExp][] = [
      [['info', '--terminal', `wss://${base}`], /plain ws:\/\/ \(Bluechip server mode has no TLS\)/],
      [['info', '--terminal', 'ws://127.0.0.1:70000'], /port 70000 is out of range; give 1 to 65535/],
      [['info', '--terminal', 'ws://127.0.0.1:0'], /port 0 is out of range/],
      [
        ['info', '--terminal', `ws://${base}/tsi/v1/info`],
        /base URL \(ws:\/\/host:port\) without "\/tsi\/v1\/info"/,
      ],
      [
        ['raw', '--endpoint', 'payments', '--resource', '{"type":"sale"}', '--terminal', `ws://${base}`],
        /--endpoint "payments" is not a terminal endpoint; one of payment, info, config, reports, trace/,
      ],
    ];
    const before = silent.sockets.length;
    for (const [args, message] of cases) {
      const out = bufferIo();
      expect(await runCli([...args, '--json'], out.io)).toBe(1);
      expect(out.stderr()).toMatch(message);
      expect(JSON.parse(out.stdout())).toMatchObject({ flow_id: null, error: { code: 'usage' } });
    }
    expect(silent.sockets.length).toBe(before);
  });

  it('an unreachable terminal: the message shows the URL dialed and where it came from', async () => {
    const port = await closedPort();
    const out = bufferIo({ BLUECHIP_TERMINAL: `ws://127.0.0.1:${port}` });
    expect(await runCli(['sale', '--amount', '1.00'], out.io)).toBe(1);
    expect(out.stderr()).toContain(
      `cannot reach the terminal at ws://127.0.0.1:${port}/tsi/v1/payment (from BLUECHIP_TERMINAL): `,
    );
    const single = bufferIo();
    await runCli(['info', '--endpoint-mode', 'single', '--terminal', `ws://127.0.0.1:${port}/`], single.io);
    expect(single.stderr()).toContain(
      `cannot reach the terminal at ws://127.0.0.1:${port}/ (from --terminal)`,
    );
  });
});

describe('a journal error names the directory and where it came from', () => {
  it('BLUECHIP_JOURNAL pointing at a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bluechip-explain-'));
    try {
      const file = join(dir, 'not-a-directory');
      await writeFile(file, 'x');
      const out = bufferIo({ BLUECHIP_JOURNAL: file });
      expect(await runCli(['info', '--json', '--terminal', sim.url], out.io)).toBe(1);
      expect(out.stderr()).toContain(`journal ${file} (from BLUECHIP_JOURNAL): `);
      expect(JSON.parse(out.stdout())).toMatchObject({ error: { code: expect.stringMatching(/^journal_/) } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('progress and recovery hints', () => {
  it('a spinner while connecting (TTY stderr only); --json stdout stays one object', async () => {
    const tty = bufferIo({}, true);
    const code = await runCli(
      ['info', '--timeout', '0.3', '--json', '--terminal', `ws://127.0.0.1:${silent.port}`],
      tty.io,
    );
    expect(code).toBe(1);
    expect(tty.stderr()).toMatch(
      new RegExp(`[⠋⠙⠹] connecting to ws://127\\.0\\.0\\.1:${silent.port}/tsi/v1/info`),
    );
    expect(tty.stdout().trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(tty.stdout())).toMatchObject({ error: { code: 'connect_failed' } });
    const pipe = bufferIo({}, false);
    await runCli(['info', '--timeout', '0.3', '--terminal', `ws://127.0.0.1:${silent.port}`], pipe.io);
    expect(pipe.stderr()).not.toContain('connecting to');
  });

  it('an unknown outcome names reconcile when a journal is in use, recall otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bluechip-explain-'));
    try {
      const journaled = bufferIo();
      const args = ['sale', '--amount', '2.04', '--timeout', '0.3', '--terminal', sim.url];
      expect(await runCli([...args, '--journal', dir], journaled.io)).toBe(4);
      expect(journaled.stderr()).toContain(`run \`bluechip reconcile --journal ${dir}\` before retrying`);
      expect(journaled.stderr()).not.toContain('bluechip recall');
      for (let i = 0; i < 100 && sim.snapshot().connections > 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      const plain = bufferIo();
      expect(await runCli(args, plain.io)).toBe(4);
      expect(plain.stderr()).toContain('run `bluechip recall`');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Ctrl-C (built CLI, child processes)', () => {
  function interrupt(args: string[], ready: () => boolean) {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      child.once('exit', (code) => resolve({ code, stderr }));
      const started = Date.now();
      const poll = setInterval(() => {
        if (ready()) {
          clearInterval(poll);
          child.kill('SIGINT');
        } else if (Date.now() - started > 10_000) {
          clearInterval(poll);
          child.kill('SIGKILL');
          reject(new Error(`never ready:\n${stderr}`));
        }
      }, 20);
    });
  }

  it('before anything was sent: "not sent", exit 1', async () => {
    const before = silent.sockets.length;
    const run = await interrupt(
      ['sale', '--amount', '1.00', '--terminal', `ws://127.0.0.1:${silent.port}`],
      () => silent.sockets.length > before,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('bluechip: interrupted: not sent, nothing was charged\n');
  });

  it('once the request went out: outcome unknown, exit 4, with the recall hint', async () => {
    const run = await interrupt(
      ['sale', '--amount', '2.04', '--terminal', sim.url],
      () => sim.snapshot().activeFlow !== undefined,
    );
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('interrupted; outcome unknown: run `bluechip recall`');
  });
});

describe('one usage exit code for both simulator entry points', () => {
  it('bluechip simulate and bluechip-simulator exit 1 on a bad option', async () => {
    const viaCli = await bluechip(['simulate', '--port', 'x']);
    const simulatorBin = fileURLToPath(new URL('../../simulator/dist/bin.js', import.meta.url));
    const direct = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [simulatorBin, '--port', 'x'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
    expect([viaCli.code, direct.code]).toEqual([1, 1]);
    expect(direct.stderr).toBe(viaCli.stderr);
  });
});

describe('typos and a bare command', () => {
  it('a mistyped command or option gets a "did you mean"; a word far from every name gets none', async () => {
    const command = bufferIo();
    expect(await runCli(['sael', '--amount', '1'], command.io)).toBe(1);
    expect(command.stderr()).toBe(
      'bluechip: unknown command "sael"; did you mean "sale"? (`bluechip help` lists them all)\n',
    );
    const option = bufferIo();
    expect(await runCli(['sale', '--amont', '1'], option.io)).toBe(1);
    expect(option.stderr()).toBe(
      'bluechip: unknown option --amont; did you mean --amount? (see `bluechip help`)\n',
    );
    const far = bufferIo();
    expect(await runCli(['frobnicate'], far.io)).toBe(1);
    expect(far.stderr()).toBe('bluechip: unknown command "frobnicate"; run `bluechip help` for the list\n');
    const farOption = bufferIo();
    expect(await runCli(['sale', '--colour', 'red'], farOption.io)).toBe(1);
    expect(farOption.stderr()).toBe('bluechip: unknown option --colour (see `bluechip help`)\n');
  });

  it('a bare `bluechip` is a usage error: help and a one-line reason on stderr, nothing on stdout, exit 1', async () => {
    const bare = bufferIo();
    expect(await runCli([], bare.io)).toBe(1);
    expect(bare.stdout()).toBe('');
    expect(bare.stderr()).toContain('Usage: bluechip <command>');
    expect(bare.stderr().trimEnd().split('\n').at(-1)).toBe(
      'bluechip: no command given; run `bluechip help` for the list, or `bluechip demo` to try it',
    );
  });
});
