import { describe, expect, it } from 'vitest';
import { useSimulator } from './setup.js';

const t = useSimulator();

describe('event_ack, resends and abandonment', () => {
  it('re-sends an un-acked event every ackTimeoutMs up to resendLimit, then abandons and frees the terminal', async () => {
    await t.start({ ackTimeoutMs: 50, resendLimit: 2 });
    const logs: { kind: string; at: number }[] = [];
    t.sim.log$.subscribe((e) => logs.push(e));
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 100 });
    await pos.next();
    const sends = [await pos.nextText(), await pos.nextText(), await pos.nextText()];
    expect(new Set(sends).size).toBe(1);
    expect(await pos.silentFor(150)).toBe(true);
    expect(logs.filter((e) => e.kind === 'event_resent')).toHaveLength(2);
    const abandoned = logs.find((e) => e.kind === 'flow_abandoned');
    expect(abandoned).toBeDefined();
    const started = logs.find((e) => e.kind === 'flow_started')!;
    // 10 ms delay + 3 ack timeouts of 50 ms; generous upper bound for a busy machine
    expect(abandoned!.at - started.at).toBeGreaterThanOrEqual(140);
    expect(t.sim.engine.busy).toBe(false);
    // The outcome still counts: it was decided and sent.
    expect(t.sim.snapshot().batch).toHaveLength(1);
    const next = await pos.run('2', { type: 'sale', amount: 100 });
    expect(next.event.resource.results[0].status).toBe('approved');
  });

  it('stops re-sending as soon as the ack arrives', async () => {
    await t.start({ ackTimeoutMs: 40, resendLimit: 5 });
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 100 });
    await pos.next();
    await pos.nextText();
    await pos.nextText(); // first resend
    pos.ack('1');
    expect(await pos.silentFor(150)).toBe(true);
    expect(t.sim.engine.busy).toBe(false);
  });

  it('sends the next event of a flow only after the previous one is acked (settlement proceed → completed)', async () => {
    await t.start({ ackTimeoutMs: 1000 });
    const pos = await t.connect();
    pos.request('1', { type: 'settlement' });
    await pos.next();
    const proceed = await pos.next();
    expect(proceed.event.resource.status).toBe('proceed');
    expect(await pos.silentFor(120)).toBe(true);
    pos.ack('1');
    const completed = await pos.next();
    expect(completed.event.resource.status).toBe('completed');
    pos.ack('1');
    await expect.poll(() => t.sim.engine.busy).toBe(false);
  });

  it('ignores acks for other flows and logs them as stray', async () => {
    await t.start({ ackTimeoutMs: 1000 });
    const logs: string[] = [];
    t.sim.log$.subscribe((e) => logs.push(e.kind));
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 100 });
    await pos.next();
    await pos.next();
    pos.ack('999');
    await expect.poll(() => logs.includes('stray_ack')).toBe(true);
    expect(t.sim.engine.busy).toBe(true);
    pos.ack('1');
    await expect.poll(() => t.sim.engine.busy).toBe(false);
  });
});
