import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario, type Scenario, SimulatorError } from '../src/index.js';
import { useSimulator } from './setup.js';

const t = useSimulator();

describe('scenarios over ws', () => {
  it('applies rules in order, counting down times, matching on type, amount and request index', async () => {
    const scenario: Scenario = {
      name: 'mixed',
      settings: { amountsAs: 'number' },
      rules: [
        { match: { request: 1 }, reject: 'PINPAD not ready' },
        { match: { type: 'sale', amount: 999 }, times: 1, outcome: 'declined' },
        {
          match: { type: ['refund'] },
          resultStatus: 'approved_partial',
          fields: { host_response_text: 'PARTIAL' },
        },
      ],
    };
    await t.start({ scenario });
    const pos = await t.connect();
    const rejected = await pos.run('1', { type: 'sale', amount: 999 });
    expect(rejected.response.resource).toMatchObject({
      status: 'error',
      error_info: { text: 'PINPAD not ready' },
    });
    expect((await pos.run('2', { type: 'sale', amount: 999 })).event.resource.results[0].status).toBe(
      'decline_by_host_or_card',
    );
    const approved = (await pos.run('3', { type: 'sale', amount: 999 })).event.resource.results[0];
    expect(approved).toMatchObject({ status: 'approved', total_amount: 999 });
    const refund = (await pos.run('4', { type: 'refund', amount: 5 })).event.resource.results[0];
    expect(refund).toMatchObject({ status: 'approved_partial', host_response_text: 'PARTIAL' });
  });

  it('adds proceed events, a custom delay and final status, and drops acks', async () => {
    await t.start({
      ackTimeoutMs: 60,
      scenario: { rules: [{ proceedEvents: 2, delayMs: 30, finalStatus: 'ok', ignoreAcks: 1 }] },
    });
    const logs: string[] = [];
    t.sim.log$.subscribe((e) => logs.push(e.kind));
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 100 });
    await pos.next();
    const statuses: string[] = [];
    for (;;) {
      const event = await pos.next();
      statuses.push(event.event.resource.status);
      pos.ack('1');
      if (event.event.resource.status !== 'proceed') break;
    }
    // the first ack was "lost": the first proceed arrives twice
    expect(statuses).toEqual(['proceed', 'proceed', 'proceed', 'ok']);
    expect(logs).toContain('ack_ignored');
    expect(logs).toContain('event_resent');
    await expect.poll(() => t.sim.engine.busy).toBe(false);
  });

  it('disconnects before the final event; the transaction is still recorded', async () => {
    await t.start({
      scenario: { rules: [{ match: { type: 'sale' }, times: 1, disconnect: 'before_final' }] },
    });
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 100 });
    expect((await pos.next()).response.resource.status).toBe('started');
    await pos.closed;
    await expect.poll(() => t.sim.snapshot().connections).toBe(0);
    expect(t.sim.snapshot().batch).toHaveLength(1);
  });

  it('disconnects after the final event, before the ack can arrive', async () => {
    await t.start({ scenario: { rules: [{ disconnect: 'after_final' }] } });
    const pos = await t.connect();
    pos.request('1', { type: 'sale', amount: 100 });
    await pos.next();
    expect((await pos.next()).event.resource.status).toBe('completed');
    await pos.closed;
  });

  it('is replaced at run time with engine.setScenario', async () => {
    await t.start();
    t.sim.engine.setScenario({ rules: [{ outcome: 'timed_out' }] });
    const pos = await t.connect();
    const event = await pos.run('1', { type: 'sale', amount: 100 });
    expect(event.event.resource.results[0].status).toBe('timeout_on_user_input');
  });
});

describe('scenario parsing', () => {
  it('loads a JSON file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-scenario-'));
    try {
      const file = join(dir, 's.json');
      await writeFile(
        file,
        JSON.stringify({ name: 'x', rules: [{ match: { amount: 1 }, outcome: 'no_event' }] }),
      );
      expect((await loadScenarioFile(file)).rules?.[0]?.outcome).toBe('no_event');
      await writeFile(file, '{oops');
      await expect(loadScenarioFile(file)).rejects.toMatchObject({ code: 'bad_scenario' });
      await expect(loadScenarioFile(join(dir, 'missing.json'))).rejects.toBeInstanceOf(SimulatorError);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it.each([
    [[], /must be a JSON object/],
    [{ rules: {} }, /rules must be an array/],
    [{ rules: [{ outcome: 'explode' }] }, /rules\[0\]: outcome must be one of/],
    [{ rules: [{ delayMs: -1 }] }, /delayMs must be an integer/],
    [{ rules: [{ times: 0 }] }, /times must be an integer >= 1/],
    [{ rules: [{ match: { colour: 'red' } }] }, /unknown match key "colour"/],
    [{ rules: [{ disconect: 'after_response' }] }, /unknown key "disconect"/],
    [{ settings: { ackTimeoutMs: 'soon' } }, /ackTimeoutMs must be a non-negative integer/],
    [{ settings: { colour: 1 } }, /unknown setting "colour"/],
  ])('refuses %j with a clear bad_scenario error', (value, message) => {
    expect(() => parseScenario(value)).toThrow(message);
    try {
      parseScenario(value);
    } catch (error) {
      expect(error).toMatchObject({ name: 'SimulatorError', code: 'bad_scenario' });
    }
  });
});
