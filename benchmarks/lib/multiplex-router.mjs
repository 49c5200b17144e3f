// The routing `rxjs` `webSocket().multiplex` does, as a baseline for the session's hot path: shared by
// multiplex.bench.mjs (wall clock) and instructions-child.mjs (instruction counts).
import { filter, Subject } from 'rxjs';

/** One Subject of parsed messages; N subscribers, each filtering for its own flow id, acking what it gets. */
export function multiplexRouter(count) {
  const messages = new Subject();
  const ids = new Array(count);
  const sent = { count: 0, last: '' };
  const subscriptions = [];
  for (let i = 0; i < count; i++) {
    const id = String(1_000_000 + i);
    ids[i] = id;
    subscriptions.push(
      messages.pipe(filter((msg) => msg.event?.flow_id === id)).subscribe((msg) => {
        sent.count++;
        sent.last = JSON.stringify({ event_ack: { flow_id: msg.event.flow_id, resource: { status: 'ok' } } });
      }),
    );
  }
  return {
    ids,
    sent,
    // What the webSocket subject does per message: deserialize once, then next() to every subscriber.
    push: (frame) => messages.next(JSON.parse(frame)),
    close: () => {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}
