import type { Link } from '@bluechip-ws/core';
import { createMemoryNetwork } from '@bluechip-ws/transport-memory';
import { firstValueFrom, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { attachSimulator } from '../src/index.js';

describe('attachSimulator over the in-memory network, in virtual time', () => {
  it('serves a sale with resends, all on the injected scheduler', async () => {
    const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
    const network = createMemoryNetwork({ scheduler });
    const sim = attachSimulator(network.server, { scheduler, ackTimeoutMs: 1000, resendLimit: 1 });
    const opened = firstValueFrom(network.transport.open('/TSI/v1/payment'));
    scheduler.flush();
    const pos: Link = await opened;
    const received: string[] = [];
    pos.frames$.subscribe((f) => received.push(String(f)));
    pos.send(JSON.stringify({ request: { flow_id: '1', resource: { type: 'sale', amount: 100 } } }));
    scheduler.flush();
    // started, the event, one resend; then the flow is abandoned
    expect(received).toHaveLength(3);
    expect(JSON.parse(received[1]!)).toEqual(JSON.parse(received[2]!));
    expect(sim.engine.busy).toBe(false);
    expect(scheduler.now()).toBe(300 + 1000 + 1000);

    pos.send(JSON.stringify({ request: { flow_id: '2', resource: { type: 'sale', amount: 100 } } }));
    scheduler.maxFrames = scheduler.now() + 300;
    scheduler.flush();
    expect(JSON.parse(received[4]!).event.resource.results[0].reference_no).toBe('2');
    pos.send(JSON.stringify({ event_ack: { flow_id: '2', resource: { status: 'ok' } } }));
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
    scheduler.flush();
    expect(received).toHaveLength(5);
    expect(sim.engine.busy).toBe(false);

    const second = firstValueFrom(network.transport.open('/tsi/v1/info'));
    scheduler.flush();
    const refused = await second;
    const closed = firstValueFrom(refused.closed$);
    scheduler.flush();
    expect(await closed).toMatchObject({ code: 1013, reason: 'terminal busy: one client at a time' });
    sim.close();
    scheduler.flush();
    expect(pos.isOpen).toBe(false);
  });
});
