import { Session } from '@bluechip-ws/core';
import { responseFrame, SALE_REQUEST } from './frames.mjs';
import { SyncTransport } from './sync-link.mjs';

const quiet = { next() {}, error() {}, complete() {} };

/**
 * A session over a synchronous link with `count` open flows: each sent, answered `started`, and waiting for
 * its final event. Flow ids look like the terminal's (7 digits).
 */
export function openSession(count, options = {}) {
  const transport = new SyncTransport();
  const session = new Session(transport, { maxInFlight: 200_000, ...options });
  const ids = new Array(count);
  const subscriptions = new Array(count);
  let link;
  for (let i = 0; i < count; i++) {
    const id = String(1_000_000 + i);
    ids[i] = id;
    subscriptions[i] = session.flow('payment', SALE_REQUEST, { flowId: id }).subscribe(quiet);
    link ??= transport.link();
    link.push(responseFrame(id));
  }
  if (session.openFlows !== count) throw new Error(`expected ${count} open flows, got ${session.openFlows}`);
  return {
    session,
    link,
    ids,
    close() {
      for (const s of subscriptions) s.unsubscribe();
      session.close();
    },
  };
}

/**
 * The session's own Flow objects (its flow table is private in TypeScript, plain properties at run time).
 * Used only to clear each flow's dedupe map between events, see hot-path.bench.mjs.
 */
export function flowObjects(session, ids) {
  return ids.map((id) => session.table.get(id));
}
