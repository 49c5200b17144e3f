import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliIo, runCli } from '../src/index.js';

/** In-process runs of `runCli`, to see what a TTY user sees on stderr (a child's stderr is never a TTY). */
function bufferIo(isTTY: boolean, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s), isTTY },
    env,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 250 });
});
// The terminal takes one client at a time: let the previous test's socket finish closing.
beforeEach(async () => {
  for (let i = 0; i < 100 && sim.snapshot().connections > 0; i++) await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => {
  await sim?.close();
});

describe('progress on stderr', () => {
  it('shows step lines and a spinner when stderr is a TTY, the outcome alone on stdout', async () => {
    const { io, stdout, stderr } = bufferIo(true);
    const code = await runCli(['sale', '--amount', '12.34', '--terminal', sim.url], io);
    expect(code).toBe(0);
    expect(stdout()).toMatch(/^approved {2}sale {2}12\.34 /);
    expect(stderr()).toContain(`sale 12.34 -> ${sim.url}`);
    expect(stderr()).toMatch(/started \(flow \d{6}\)/);
    expect(stderr()).toContain('waiting for the card on the terminal');
  });

  it('is silent on stderr when stderr is not a TTY', async () => {
    const { io, stdout, stderr } = bufferIo(false, { BLUECHIP_TERMINAL: sim.url });
    const code = await runCli(['info'], io);
    expect(code).toBe(0);
    expect(stdout()).toContain('Device Type: Move5000');
    expect(stderr()).toBe('');
  });

  it('settlement shows its proceed step', async () => {
    const { io, stderr } = bufferIo(true);
    expect(await runCli(['settle', '--terminal', sim.url], io)).toBe(0);
    expect(stderr()).toContain('in progress: proceed');
  });
});

describe('elapsed time while the terminal waits for the customer', () => {
  it('counts from "started", across proceed steps, and only on a TTY', async () => {
    const { ProgressReporter, formatElapsed } = await import('../src/progress.js');
    expect([0, 999, 1000, 59_999, 60_000, 754_000].map(formatElapsed)).toEqual([
      '0:00',
      '0:00',
      '0:01',
      '0:59',
      '1:00',
      '12:34',
    ]);
    vi.useFakeTimers();
    try {
      let now = 0;
      const { io, stderr } = bufferIo(true);
      const reporter = new ProgressReporter(io, () => now);
      reporter.onProgress({ type: 'started', flowId: '123456', resource: {} }, 'waiting for the card');
      now = 7_000;
      vi.advanceTimersByTime(100);
      expect(stderr()).toContain('waiting for the card  0:07');
      reporter.onProgress(
        { type: 'proceed', flowId: '123456', status: 'proceed', results: [], resource: {}, ack: () => {} },
        'waiting for the card',
      );
      now = 65_000;
      vi.advanceTimersByTime(100);
      expect(stderr()).toContain('waiting for the card  1:05');
      reporter.stop();
      const silent = bufferIo(false);
      const off = new ProgressReporter(silent.io, () => now);
      off.onProgress({ type: 'started', flowId: '1', resource: {} }, 'waiting');
      vi.advanceTimersByTime(1000);
      off.stop();
      expect(silent.stderr()).toBe('');
    } finally {
      vi.useRealTimers();
    }
  });
});
