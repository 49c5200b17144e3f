import WebSocket from 'ws';

/** A bare `ws` client (deliberately not our core) that queues what the simulator sends. */
export class RawClient {
  private readonly queue: string[] = [];
  private readonly waiters: ((text: string) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = String(data);
      const waiter = this.waiters.shift();
      if (waiter) waiter(text);
      else this.queue.push(text);
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  static connect(url: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Resolves with the HTTP status of a refused handshake. */
  static refusal(url: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        socket.terminate();
      });
      socket.once('open', () => {
        socket.close();
        reject(new Error('handshake was accepted'));
      });
      socket.once('error', () => {});
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  request(flow_id: string, resource: Record<string, unknown>, endpoint?: string): void {
    this.send({ request: endpoint === undefined ? { flow_id, resource } : { flow_id, endpoint, resource } });
  }

  ack(flow_id: string, endpoint?: string): void {
    this.send({
      event_ack:
        endpoint === undefined
          ? { flow_id, resource: { status: 'ok' } }
          : { flow_id, endpoint, resource: { status: 'ok' } },
    });
  }

  nextText(timeoutMs = 3000): Promise<string> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (text: string) => {
        clearTimeout(timer);
        resolve(text);
      };
      this.waiters.push(waiter);
    });
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  async next(timeoutMs?: number): Promise<any> {
    return JSON.parse(await this.nextText(timeoutMs));
  }

  /** True when nothing arrives within `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    try {
      const text = await this.nextText(ms);
      this.queue.unshift(text);
      return false;
    } catch {
      return true;
    }
  }

  /** Sends a request, expects `started`, acks every event up to the final one, returns the final event. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  async run(flow_id: string, resource: Record<string, unknown>): Promise<any> {
    this.request(flow_id, resource);
    const response = await this.next();
    if (response.response?.resource?.status !== 'started') return response;
    for (;;) {
      const event = await this.next();
      this.ack(flow_id);
      if (event.event?.resource?.status !== 'proceed') return event;
    }
  }

  close(): void {
    this.socket.close();
  }
}
