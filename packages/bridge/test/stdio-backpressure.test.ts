import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Bridge } from '../src/index.js';
import { serveStdio } from '../src/node.js';

describe('stdio carrier: backpressure', () => {
  it('stops reading requests while the caller does not read its replies, loses none, and goes on once it reads', async () => {
    const bridge = new Bridge();
    const input = new PassThrough();
    // A small buffer: a few replies fill it.
    const output = new PassThrough({ highWaterMark: 256 });
    const served = serveStdio(bridge, { input, output, drainTimeoutMs: 1000 });
    // In batches under the bridge's limit of calls running at once per connection (32).
    const batch = 20;
    const calls = 2 * batch;
    for (let id = 1; id <= calls; id++) {
      input.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'rpc.discover' })}\n`);
      if (id % batch === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Nobody reads the replies: after the first batch filled the output, the carrier stopped reading.
    expect(input.isPaused()).toBe(true);
    expect(input.readableLength).toBeGreaterThan(0);
    // Now the caller reads: every reply arrives, once.
    const ids = new Set<number>();
    const refused: unknown[] = [];
    let text = '';
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      text += chunk;
      let newline = text.indexOf('\n');
      while (newline >= 0) {
        const reply = JSON.parse(text.slice(0, newline)) as { id: number; result?: unknown; error?: unknown };
        if (reply.result === undefined) refused.push(reply.error);
        ids.add(reply.id);
        text = text.slice(newline + 1);
        newline = text.indexOf('\n');
      }
    });
    for (let waited = 0; ids.size < calls && waited < 100; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(refused).toEqual([]);
    expect(ids.size).toBe(calls);
    input.end();
    await served;
  });
});
