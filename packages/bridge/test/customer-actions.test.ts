import { readFileSync } from 'node:fs';
import { CUSTOMER_ACTIONS } from '@bluechip-ws/simulator';
import { describe, expect, it } from 'vitest';

/**
 * The bridge's schema spells the customer's actions out (its main entry must not import the simulator, which
 * brings a WebSocket server): this holds the list to the simulator's, so an action added there fails here
 * until the schema (and so every binding) has it.
 */
describe('simulator.customer actions', () => {
  it("the OpenRPC document's action enum is the simulator's CUSTOMER_ACTIONS", () => {
    const doc = JSON.parse(readFileSync(new URL('../openrpc.json', import.meta.url), 'utf8')) as {
      methods: { name: string; params: { name: string; schema: { enum?: string[] } }[] }[];
    };
    const method = doc.methods.find((m) => m.name === 'simulator.customer');
    const action = method?.params.find((p) => p.name === 'action');
    expect(action?.schema.enum).toEqual([...CUSTOMER_ACTIONS]);
  });
});
