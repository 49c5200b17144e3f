import { type FlowUpdate, Session } from '@bluechip-ws/core';
import { createMemoryNetwork } from '@bluechip-ws/transport-memory';
import { lastValueFrom, toArray, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { attachSimulator } from '../src/index.js';

// A smoke test of the simulator against our own core Session, in virtual time over the in-memory network.
describe('core Session against the simulator', () => {
  it.each(['multi', 'single'] as const)(
    'runs a sale and a settlement in %s-endpoint mode',
    async (endpointMode) => {
      const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
      const network = createMemoryNetwork({ scheduler });
      const sim = attachSimulator(network.server, { scheduler });
      const session = new Session(network.transport, { scheduler, endpointMode, reconnect: false });
      try {
        const run = (endpoint: string, resource: Record<string, unknown>) => {
          const updates = lastValueFrom(session.flow(endpoint, resource).pipe(toArray()));
          scheduler.flush();
          return updates;
        };
        const sale: FlowUpdate[] = await run('/tsi/v1/payment', { type: 'sale', amount: 6417 });
        expect(sale.map((u) => u.type)).toEqual(['started', 'event']);
        const final = sale[1];
        expect(final?.type === 'event' && final.outcome?.kind).toBe('approved');
        const settle = await run('/tsi/v1/payment', { type: 'settlement' });
        expect(settle.map((u) => (u.type === 'event' ? u.status : u.type))).toEqual([
          'started',
          'proceed',
          'completed',
        ]);
        expect(sim.snapshot().batch).toEqual([]);
        expect(sim.snapshot().batchNo).toBe(2);
        expect(sim.engine.busy).toBe(false);
      } finally {
        session.close();
        sim.close();
        scheduler.flush();
      }
    },
  );
});
