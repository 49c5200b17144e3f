import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cents,
  connect,
  FlowRefusedError,
  OperationAbortedError,
  type Terminal,
  type UnclaimedEvent,
} from '../src/index.js';

let sim: RunningSimulator | undefined;
const terminals: Terminal[] = [];
afterEach(async () => {
  for (const t of terminals.splice(0)) t.close();
  await sim?.close();
  sim = undefined;
});

async function setup(
  simOptions: Parameters<typeof startSimulator>[0] = {},
  endpointMode: 'multi' | 'single' = 'multi',
) {
  sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 20, ...simOptions });
  const terminal = connect({ url: sim.url, endpointMode, reconnect: false });
  terminals.push(terminal);
  return { sim, terminal };
}

describe('the client over a real WebSocket to the simulator on 127.0.0.1', () => {
  it('is lazy: no socket until the first operation', async () => {
    const { sim, terminal } = await setup();
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.snapshot().connections).toBe(0);
    expect((await terminal.terminalInfo()).kind).toBe('completed');
  });

  it('runs sale, info, void, a declined sale and settlement in multi-endpoint mode', async () => {
    const { terminal } = await setup();
    const sale = await terminal.sale({ amount: cents(1234) });
    const info = await terminal.terminalInfo();
    const voided = await terminal.void({ referenceNo: sale.result?.referenceNo ?? '' });
    const declined = await terminal.sale({ amount: cents(200) });
    const settlement = await terminal.settlement();
    expect([sale, info, voided, declined, settlement].map((o) => o.kind)).toEqual([
      'approved',
      'completed',
      'approved',
      'declined',
      'approved',
    ]);
  });

  it('works in single-endpoint mode', async () => {
    const { terminal } = await setup({}, 'single');
    expect((await terminal.sale({ amount: cents(100) })).kind).toBe('approved');
    expect((await terminal.report('detail_report')).kind).toBe('completed');
  });

  it('a second client is refused while the first holds the terminal', async () => {
    const { sim, terminal } = await setup();
    const holding = terminal.sale({ amount: cents(204) }, { timeouts: { eventGapMs: 5_000 } });
    holding.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const other = connect({ url: sim.url, reconnect: false });
    terminals.push(other);
    const error = await other.sale({ amount: cents(100) }).catch((e) => e);
    expect(error).toMatchObject({ code: 'connect_failed' });
    expect(String((error as Error).message)).toMatch(/409/);
  });

  it('"TSI busy" from the terminal is a typed refusal', async () => {
    const { terminal } = await setup({ scenario: { rules: [{ times: 1, reject: 'TSI busy' }] } });
    const error = await terminal.sale({ amount: cents(100) }).catch((e) => e);
    expect(error).toBeInstanceOf(FlowRefusedError);
    expect((error as FlowRefusedError).terminalBusy).toBe(true);
  });

  it('abort over ws: the approved result still arrives on unclaimed$', async () => {
    const { sim, terminal } = await setup({ eventDelayMs: 300 });
    const unclaimed: UnclaimedEvent[] = [];
    terminal.unclaimed$.subscribe((u) => unclaimed.push(u));
    const controller = new AbortController();
    const pending = terminal.sale$({ amount: cents(999) }, { signal: controller.signal });
    const error = await new Promise((resolve) => {
      pending.subscribe({
        next: (p) => {
          if (p.type === 'started') controller.abort();
        },
        error: resolve,
      });
    });
    expect(error).toBeInstanceOf(OperationAbortedError);
    for (let i = 0; i < 100 && unclaimed.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(unclaimed[0]).toMatchObject({ final: true, acked: true, outcome: { kind: 'approved' } });
    for (let i = 0; i < 50 && sim.engine.busy; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sim.engine.busy).toBe(false);
  });
});
