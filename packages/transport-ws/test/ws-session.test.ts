import { type ConnectionState, type FlowUpdate, Session } from '@bluechip-ws/core';
import { decodeFrame } from '@bluechip-ws/protocol';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { createWsTransport } from '../src/index.js';
import { startServer, type TestServer } from './support/ws-server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A terminal that answers `started`, then, for the first request only, drops the TCP connection. */
function dropAfterStarted(s: TestServer, requests: string[]): void {
  s.wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data) => {
      const decoded = decodeFrame(String(data));
      if (decoded._tag === 'Left' || decoded.right.kind !== 'request') return;
      const flowId = decoded.right.flow_id;
      requests.push(flowId);
      ws.send(JSON.stringify({ response: { flow_id: flowId, resource: { status: 'started' } } }));
      if (requests.length === 1) {
        setTimeout(() => ws.terminate(), 20);
        return;
      }
      ws.send(
        JSON.stringify({
          event: { flow_id: flowId, resource: { status: 'completed', results: [{ status: 'approved' }] } },
        }),
      );
    });
  });
}

describe('Session over the ws transport (real server on 127.0.0.1)', () => {
  it('a drop mid-flow ends the flow as outcome unknown, reconnects with backoff, and replays nothing', async () => {
    const s = await startServer();
    cleanups.push(() => s.stop());
    const requests: string[] = [];
    dropAfterStarted(s, requests);
    const session = new Session(createWsTransport({ url: s.url }), {
      reconnect: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 },
    });
    cleanups.push(() => session.close());
    const states: ConnectionState['kind'][] = [];
    session.state$.subscribe((state) => states.push(state.kind));

    const first = lastValueFrom(session.flow('payment', { type: 'sale', amount: 6417 }));
    await expect(first).rejects.toMatchObject({ code: 'link_closed', outcomeUnknown: true });
    await firstValueFrom(session.state$.pipe(filter((state) => state.kind === 'open')));
    expect(states).toContain('reconnecting');
    expect(requests).toHaveLength(1); // the reconnect sent nothing on its own

    const updates: FlowUpdate[] = [];
    await lastValueFrom(session.flow('payment', { type: 'sale', amount: 100 }), {
      defaultValue: undefined,
    }).then((last) => last && updates.push(last));
    expect(requests).toHaveLength(2);
    expect(updates[0]).toMatchObject({ type: 'event', final: true, outcome: { kind: 'approved' } });
  });
});
