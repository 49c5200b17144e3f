import { cents, connect } from '@bluechip-ws/client';
import { describe, expect, it } from 'vitest';
import { startSimulatorFleet } from '../src/node.js';

describe('a simulated fleet in one process', () => {
  it('hosts terminals on distinct loopback ports, each its own terminal', async () => {
    const fleet = await startSimulatorFleet({ count: 4, eventDelayMs: 5 });
    try {
      expect(new Set(fleet.urls).size).toBe(4);
      for (const url of fleet.urls) expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      const terminals = fleet.urls.map((url) => connect({ url }));
      const outcomes = await Promise.all(terminals.map((t, i) => t.sale({ amount: cents(100 + i) })));
      expect(outcomes.map((o) => o.kind)).toEqual(['approved', 'approved', 'approved', 'approved']);
      // Each simulator recorded only its own sale.
      expect(fleet.simulators.map((s) => s.snapshot().batch.length)).toEqual([1, 1, 1, 1]);
      for (const t of terminals) t.close();
    } finally {
      await fleet.close();
    }
  });

  it('refuses a count out of bounds', async () => {
    await expect(startSimulatorFleet({ count: 0 })).rejects.toThrow(RangeError);
    await expect(startSimulatorFleet({ count: 5001 })).rejects.toThrow(/5000/);
  });
});
