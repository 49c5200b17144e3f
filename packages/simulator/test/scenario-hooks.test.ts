import { describe, expect, it } from 'vitest';
import { GARBAGE_FRAMES, parseScenario, SimulatorError } from '../src/index.js';
import { useSimulator } from './setup.js';

const t = useSimulator();

describe('scenario hooks for conformance runs', () => {
  it('eventBeforeResponse sends the event first, then the started response', async () => {
    await t.start({ scenario: { rules: [{ eventBeforeResponse: true }] } });
    const pos = await t.connect();
    pos.request('11', { type: 'sale', amount: 500 });
    const first = await pos.next();
    const second = await pos.next();
    expect(first.event.flow_id).toBe('11');
    expect(first.event.resource.results[0].status).toBe('approved');
    expect(second).toEqual({ response: { flow_id: '11', resource: { status: 'started' } } });
    pos.ack('11');
    await expect.poll(() => t.sim.engine.busy).toBe(false);
  });

  it('eventBeforeResponse with a proceed event: the next event waits for the first ack', async () => {
    await t.start({ scenario: { rules: [{ eventBeforeResponse: true, proceedEvents: 1 }] } });
    const pos = await t.connect();
    pos.request('12', { type: 'sale', amount: 500 });
    expect((await pos.next()).event.resource.status).toBe('proceed');
    expect((await pos.next()).response.resource.status).toBe('started');
    expect(await pos.silentFor(60)).toBe(true);
    pos.ack('12');
    expect((await pos.next()).event.resource.status).toBe('completed');
  });

  it('garbage frames go out before the response, before and after the final event', async () => {
    await t.start({
      scenario: { rules: [{ garbage: ['before_response', 'before_final', 'after_final'] }] },
    });
    const pos = await t.connect();
    pos.request('13', { type: 'sale', amount: 500 });
    const texts: string[] = [];
    for (let i = 0; i < 2 + 1 + 2 + 1 + 2; i++) texts.push(await pos.nextText());
    expect(texts.slice(0, 2)).toEqual(GARBAGE_FRAMES);
    expect(JSON.parse(texts[2]!).response.resource.status).toBe('started');
    expect(texts.slice(3, 5)).toEqual(GARBAGE_FRAMES);
    expect(JSON.parse(texts[5]!).event.flow_id).toBe('13');
    expect(texts.slice(6, 8)).toEqual(GARBAGE_FRAMES);
    pos.ack('13');
    await expect.poll(() => t.sim.engine.busy).toBe(false);
  });

  it('refuses bad values for the new keys', () => {
    expect(() => parseScenario({ rules: [{ garbage: ['sometimes'] }] })).toThrow(SimulatorError);
    expect(() => parseScenario({ rules: [{ garbage: 'after_final' }] })).toThrow(/garbage must be a list/);
    expect(() => parseScenario({ rules: [{ eventBeforeResponse: 'yes' }] })).toThrow(
      /eventBeforeResponse must be true or false/,
    );
    expect(parseScenario({ rules: [{ eventBeforeResponse: true, garbage: ['after_final'] }] })).toBeTruthy();
  });
});
