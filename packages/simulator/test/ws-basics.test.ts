import { describe, expect, it } from 'vitest';
import type { SimulatorServerOptions } from '../src/index.js';
import { RawClient } from './raw-client.js';
import { useSimulator } from './setup.js';

const t = useSimulator();
const setup = (options: SimulatorServerOptions = {}) => t.start(options);
const connect = (path?: string) => t.connect(path);

describe('simulator over ws: sale', () => {
  it('answers started, then a completed event with a full approved result', async () => {
    await setup({ now: () => new Date(2026, 6, 14, 4, 21, 22) });
    const pos = await connect();
    pos.request('277554', { type: 'sale', amount: 6417 });
    expect(await pos.next()).toEqual({ response: { flow_id: '277554', resource: { status: 'started' } } });
    const event = await pos.next();
    expect(event.event.flow_id).toBe('277554');
    expect(event.event.endpoint).toBeUndefined();
    expect(event.event.resource.status).toBe('completed');
    const [result] = event.event.resource.results;
    expect(result).toMatchObject({
      status: 'approved',
      type: 'sale',
      reference_no: '1',
      batch_no: '1',
      total_amount: '6417',
      transaction_amount: '6417',
      transaction_date: '26/07/14',
      transaction_time: '04:21:22',
      terminal_id: '001',
      merchant_id: 'VISAMID0123',
    });
    expect(result.authorization_no).toMatch(/^\d{6}$/);
    expect(result.host_response_text).toBe(`APPROVED ${result.authorization_no}`);
    expect(result.card.account_no).toMatch(/^\*+\d{4}$/);
    expect(result.card.entry_mode).toEqual({ code: expect.any(String), text: expect.any(String) });
    expect(result.card.type).toEqual({ code: expect.any(String), text: expect.any(String) });
    pos.ack('277554');
    expect(await pos.silentFor(100)).toBe(true);
    expect(t.sim.snapshot().batch.map((e) => e.reference_no)).toEqual(['1']);
    expect(t.sim.snapshot().lastTransaction).toEqual(result);
  });

  it('increments reference_no and accepts amounts as digit strings; amountsAs number writes numbers', async () => {
    await setup({ amountsAs: 'number' });
    const pos = await connect();
    const first = await pos.run('1', { type: 'sale', amount: '1000' });
    const second = await pos.run('2', { type: 'sale', amount: 250, tip_amount: 50 });
    expect(first.event.resource.results[0]).toMatchObject({ reference_no: '1', total_amount: 1000 });
    expect(second.event.resource.results[0]).toMatchObject({
      reference_no: '2',
      transaction_amount: 250,
      tip_amount: 50,
      total_amount: 300,
    });
  });

  it('uses "ok" as the final status when finalStatus is "ok"', async () => {
    await setup({ finalStatus: 'ok' });
    const pos = await connect();
    const event = await pos.run('1', { type: 'sale', amount: 100 });
    expect(event.event.resource.status).toBe('ok');
  });

  it('is reproducible from a seed', async () => {
    const picks: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      await setup({ seed: 42 });
      const pos = await connect();
      const event = await pos.run('1', { type: 'sale', amount: 100 });
      const { authorization_no, card } = event.event.resource.results[0];
      picks.push({ authorization_no, card });
      pos.socket.terminate();
      await t.sim.close();
    }
    expect(picks[0]).toEqual(picks[1]);
  });
});

describe('simulator over ws: paths and connections', () => {
  it('matches paths case-insensitively and refuses unknown paths with 404', async () => {
    await setup();
    const pos = await connect('/Tsi/V1/Payment/');
    const event = await pos.run('1', { type: 'sale', amount: 100 });
    expect(event.event.resource.results[0].status).toBe('approved');
    pos.close();
    await pos.closed;
    expect(await RawClient.refusal(`${t.sim.url}/tsi/v1/nope`)).toBe(404);
  });

  it('refuses a second concurrent connection with 409 and frees the slot when the first leaves', async () => {
    await setup();
    const logs: string[] = [];
    t.sim.log$.subscribe((e) => logs.push(e.kind));
    const first = await connect();
    expect(await RawClient.refusal(`${t.sim.url}/tsi/v1/info`)).toBe(409);
    expect(logs).toContain('connection_refused');
    first.close();
    await first.closed;
    await expect.poll(() => t.sim.snapshot().connections).toBe(0);
    const second = await connect('/tsi/v1/info');
    const event = await second.run('1', { type: 'terminal_info' });
    expect(event.event.resource.results[0].status).toBe('receipt_information');
  });

  it('replaces the first connection under connectionPolicy "replace"', async () => {
    await setup({ connectionPolicy: 'replace' });
    const first = await connect();
    const second = await connect();
    expect(await first.closed).toEqual({ code: 4000, reason: 'replaced by a new connection' });
    const event = await second.run('1', { type: 'sale', amount: 100 });
    expect(event.event.resource.results[0].status).toBe('approved');
  });

  it('serves "/" in single-endpoint mode, echoing endpoint on response and events and expecting it in acks', async () => {
    await setup({ endpointMode: 'single' });
    expect(await RawClient.refusal(`${t.sim.url}/tsi/v1/payment`)).toBe(404);
    const pos = await connect('/');
    pos.request('109569', { type: 'sale', amount: 100 }, '/tsi/v1/payment');
    expect(await pos.next()).toEqual({
      response: { flow_id: '109569', endpoint: '/tsi/v1/payment', resource: { status: 'started' } },
    });
    const event = await pos.next();
    expect(event.event.endpoint).toBe('/tsi/v1/payment');
    pos.ack('109569', '/tsi/v1/payment');
    await expect.poll(() => t.sim.engine.busy).toBe(false);

    pos.request('2', { type: 'terminal_info' }, '/TSI/v1/info');
    expect((await pos.next()).response.endpoint).toBe('/TSI/v1/info');
    const info = await pos.next();
    expect(info.event.endpoint).toBe('/TSI/v1/info');
    pos.ack('2'); // no endpoint: does not count
    await new Promise((r) => setTimeout(r, 50));
    expect(t.sim.engine.busy).toBe(true);
    pos.ack('2', '/tsi/v1/info');
    await expect.poll(() => t.sim.engine.busy).toBe(false);

    pos.request('3', { type: 'sale', amount: 100 });
    const refused = await pos.next();
    expect(refused.response.resource.error_info.text).toMatch(/endpoint is required/);
  });
});

describe('simulator over ws: busy and invalid input', () => {
  it('answers a request during an active flow with "TSI busy"', async () => {
    await setup({ eventDelayMs: 200 });
    const pos = await connect();
    pos.request('1', { type: 'sale', amount: 100 });
    await pos.next();
    pos.request('2', { type: 'sale', amount: 100 });
    const busy = await pos.next();
    expect(busy.response.flow_id).toBe('2');
    expect(busy.response.resource).toMatchObject({
      status: 'error',
      error_info: { code: '0', text: 'TSI busy' },
    });
    expect(busy.response.resource.error_info.time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const event = await pos.next();
    expect(event.event.flow_id).toBe('1');
  });

  it.each([
    ['bad JSON', '{"request":', '', /not JSON/],
    ['no flow_id', { request: { resource: { type: 'sale', amount: 1 } } }, '', /no flow_id/],
    [
      'unknown type',
      { request: { flow_id: '7', resource: { type: 'teleport' } } },
      '7',
      /unknown type "teleport"/,
    ],
    ['missing type', { request: { flow_id: '7', resource: { amount: 1 } } }, '7', /type is missing/],
    [
      'bad amount',
      { request: { flow_id: '7', resource: { type: 'sale', amount: 12.5 } } },
      '7',
      /amount must be integer cents/,
    ],
    [
      'negative amount',
      { request: { flow_id: '7', resource: { type: 'sale', amount: '-5' } } },
      '7',
      /amount must be integer cents/,
    ],
    ['no amount', { request: { flow_id: '7', resource: { type: 'sale' } } }, '7', /needs an amount/],
    [
      'wrong endpoint',
      { request: { flow_id: '7', resource: { type: 'terminal_info' } } },
      '7',
      /served on \/tsi\/v1\/info/,
    ],
    ['not an envelope', { hello: 1 }, '', /no request/],
  ])(
    '%s gets an error response with a clear text, and the server stays up',
    async (_name, frame, flowId, text) => {
      await setup();
      const logs: string[] = [];
      t.sim.log$.subscribe((e) => logs.push(e.kind));
      const pos = await connect();
      pos.send(frame);
      const reply = await pos.next();
      expect(reply.response.flow_id).toBe(flowId);
      expect(reply.response.resource.status).toBe('error');
      expect(reply.response.resource.error_info.text).toMatch(text);
      expect(logs).toContain('invalid_request');
      const event = await pos.run('8', { type: 'sale', amount: 100 });
      expect(event.event.resource.results[0].status).toBe('approved');
    },
  );
});

describe('simulator over ws: observability', () => {
  it('emits every frame in and out with the PAN masked', async () => {
    await setup();
    const frames: { direction: string; path: string; text: string }[] = [];
    t.sim.frames$.subscribe((f) => frames.push(f));
    const pos = await connect();
    await pos.run('1', { type: 'sale', amount: 100, invoice_no: '4111111111111111' });
    await expect.poll(() => frames.length).toBe(4);
    expect(frames.map((f) => f.direction)).toEqual(['in', 'out', 'out', 'in']);
    expect(frames.every((f) => f.path === '/tsi/v1/payment')).toBe(true);
    expect(frames[0]!.text).toContain('************1111');
    expect(frames.some((f) => f.text.includes('4111111111111111'))).toBe(false);
  });
});
