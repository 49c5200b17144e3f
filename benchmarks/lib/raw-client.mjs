import WebSocket from 'ws';

/**
 * The baseline: a raw `ws` client doing the same exchange as the session (request → response → event → ack)
 * with nothing else: a Map from flow id to the waiting caller, JSON.parse and JSON.stringify.
 */
export class RawClient {
  pending = new Map();
  nextId = 100_000;

  static async connect(url) {
    const socket = new WebSocket(url, { maxPayload: 1024 * 1024 });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  constructor(socket) {
    this.socket = socket;
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('close', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('socket closed'));
      this.pending.clear();
    });
  }

  /** One sale; resolves once its final event is acked. */
  sale(resource) {
    const flowId = String(this.nextId++);
    return new Promise((resolve, reject) => {
      this.pending.set(flowId, { resolve, reject });
      this.socket.send(JSON.stringify({ request: { flow_id: flowId, resource } }));
    });
  }

  onMessage(text) {
    const message = JSON.parse(text);
    if (message.response !== undefined) {
      if (message.response.resource.status !== 'started') this.fail(message.response.flow_id, 'refused');
      return;
    }
    const event = message.event;
    if (event === undefined) return;
    this.socket.send(JSON.stringify({ event_ack: { flow_id: event.flow_id, resource: { status: 'ok' } } }));
    if (event.resource.status === 'proceed') return;
    const waiter = this.pending.get(event.flow_id);
    if (waiter === undefined) return;
    this.pending.delete(event.flow_id);
    waiter.resolve(event.resource);
  }

  fail(flowId, why) {
    const waiter = this.pending.get(flowId);
    this.pending.delete(flowId);
    waiter?.reject(new Error(why));
  }

  close() {
    this.socket.close();
  }
}
