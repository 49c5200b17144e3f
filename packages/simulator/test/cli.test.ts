import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulateCommand, SIMULATE_EXIT } from '../src/internal.js';
import { RawClient } from './raw-client.js';

function sink() {
  let text = '';
  const waiters: [RegExp, (m: RegExpMatchArray) => void][] = [];
  return {
    write(chunk: string) {
      text += chunk;
      for (const [re, resolve] of waiters.splice(0)) {
        const m = text.match(re);
        if (m) resolve(m);
        else waiters.push([re, resolve]);
      }
      return true;
    },
    get text() {
      return text;
    },
    waitFor(re: RegExp): Promise<RegExpMatchArray> {
      const m = text.match(re);
      return m ? Promise.resolve(m) : new Promise((resolve) => waiters.push([re, resolve]));
    },
  };
}

describe('bluechip simulate', () => {
  it('--help documents the options and the amount table', async () => {
    const stdout = sink();
    expect(await runSimulateCommand(['--help'], { stdout, stderr: sink() })).toBe(0);
    for (const option of [
      '--host',
      '--port',
      '--ack-timeout-ms',
      '--resend-limit',
      '--event-delay-ms',
      '--scenario',
      '--endpoint-mode',
    ]) {
      expect(stdout.text).toContain(option);
    }
    for (const amount of ['200', '201', '202', '203', '204', '205', '206', '207'])
      expect(stdout.text).toContain(amount);
  });

  it.each([
    [['--port', 'x']],
    [['--endpoint-mode', 'double']],
    [['--frobnicate']],
    [['--resend-limit', '-1']],
  ])('refuses %j with the usage exit code 1 and a one-line message', async (argv) => {
    const stderr = sink();
    expect(await runSimulateCommand(argv, { stdout: sink(), stderr })).toBe(SIMULATE_EXIT.usage);
    expect(SIMULATE_EXIT.usage).toBe(1);
    expect(stderr.text).toMatch(/^bluechip simulate: .+; try --help\n$/);
  });

  it('reports a bad scenario file with exit code 1', async () => {
    const stderr = sink();
    expect(await runSimulateCommand(['--scenario', '/nonexistent/s.json'], { stdout: sink(), stderr })).toBe(
      1,
    );
    expect(stderr.text).toMatch(/cannot read scenario file/);
  });

  it('serves, prints one line per frame with the PAN masked, and stops cleanly with exit code 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-cli-'));
    const scenario = join(dir, 's.json');
    await writeFile(
      scenario,
      JSON.stringify({ rules: [{ match: { type: 'sale' }, fields: { note: '5413330089010434' } }] }),
    );
    const stdout = sink();
    const stop = new AbortController();
    const run = runSimulateCommand(
      ['--port', '0', '--event-delay-ms', '5', '--scenario', scenario, '--endpoint-mode', 'multi'],
      { stdout, stderr: sink(), signal: stop.signal },
    );
    try {
      const [, url] = await stdout.waitFor(/listening on (ws:\/\/\S+)/);
      const pos = await RawClient.connect(`${url}/tsi/v1/payment`);
      const event = await pos.run('1', { type: 'sale', amount: 100 });
      expect(event.event.resource.results[0].note).toBe('5413330089010434');
      await stdout.waitFor(/POS->SIM \{"event_ack"/);
      pos.close();
      const lines = stdout.text.split('\n').filter((l) => l.includes('/tsi/v1/payment'));
      expect(lines).toHaveLength(4);
      expect(stdout.text).toContain('************0434');
      expect(stdout.text).not.toContain('5413330089010434');
    } finally {
      stop.abort();
      expect(await run).toBe(0);
      await rm(dir, { recursive: true });
    }
    expect(stdout.text).toContain('stopped');
  });
});
