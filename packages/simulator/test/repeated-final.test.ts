import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { SimulatorEngine } from '../src/index.js';
import { WsServerLink } from '../src/ws-link.js';
import { FakeLink } from './fake-link.js';

/**
 * A final repeated "in a row" (amount 206, certify's final-repeated) reaches the POS as one write, so a POS
 * that closes as soon as it has its outcome has already read (and acked) the repeat: the scenario judges the
 * POS, not how fast a loaded machine delivered the second copy.
 */
describe('a final event repeated in a row', () => {
  it('goes to a link that can, as one burst of two identical frames', () => {
    const bursts: string[][] = [];
    const link = Object.assign(new FakeLink(), {
      drop: () => undefined,
      sendTogether(frames: readonly string[]) {
        bursts.push([...frames]);
        for (const frame of frames) link.send(frame);
      },
    });
    new SimulatorEngine({ eventDelayMs: 0 }).serve(link);
    link.request('1', { type: 'sale', amount: 206 });
    return new Promise<void>((resolve) => {
      const check = () => {
        if (bursts.length === 0) return void setImmediate(check);
        expect(bursts).toHaveLength(1);
        const [first, second] = bursts[0] ?? [];
        expect(first).toBe(second);
        expect(JSON.parse(first ?? '{}').event.resource.status).toBe('completed');
        expect(link.messages.map((m) => Object.keys(m)[0])).toEqual(['response', 'event', 'event']);
        resolve();
      };
      check();
    });
  });

  it('WsServerLink corks the upgrade socket around the burst, so both frames are one write', () => {
    const calls: string[] = [];
    const socket = {
      on: () => undefined,
      bufferedAmount: 0,
      send: (frame: string) => calls.push(`send ${frame}`),
    } as unknown as WebSocket;
    const transport = { cork: () => calls.push('cork'), uncork: () => calls.push('uncork') };
    new WsServerLink(socket, '/tsi/v1/payment', { transport }).sendTogether(['a', 'b']);
    expect(calls).toEqual(['cork', 'send a', 'send b', 'uncork']);
  });
});
