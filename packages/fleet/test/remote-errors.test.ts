import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemote, RemoteError, requestSubject } from '../src/index.js';
import { singleServer } from './nats-server.js';
import { hasNatsServer, natsClient } from './support.js';

/** Issue 24, defect 11: every failure of the remote terminal is a RemoteError saying what is known and what to do. */
describe.skipIf(!hasNatsServer())('remote terminal failures are typed', () => {
  let server: Awaited<ReturnType<typeof singleServer>>;
  let nc: NatsConnection;
  let agent: NatsConnection;

  beforeAll(async () => {
    server = await singleServer();
    nc = await natsClient(server.url);
    agent = await natsClient(server.url);
    // A stand-in agent for terminal "odd": a silent lane, and lanes answering what no agent should.
    const answers: Record<string, string | undefined> = {
      'not-json': '{"jsonrpc":"2.0",',
      null: 'null',
      'error-not-object': '{"error":"boom"}',
      'no-result': '{"jsonrpc":"2.0","id":"x"}',
      silent: undefined,
    };
    for (const [terminal, answer] of Object.entries(answers)) {
      agent.subscribe(requestSubject('odd', terminal, '>'), {
        callback: (_error, msg) => {
          if (answer !== undefined) msg.respond(answer);
        },
      });
    }
    await agent.flush();
  }, 30_000);

  afterAll(async () => {
    await agent?.close();
    await nc?.close();
    await server?.close();
  });

  async function failure(promise: Promise<unknown>): Promise<RemoteError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RemoteError);
    const remote = error as RemoteError;
    expect(remote.action.length).toBeGreaterThan(10);
    return remote;
  }

  it('no agent: unreachable, nothing sent, the outcome is known (nothing happened)', async () => {
    const error = await failure(
      connectRemote({ nats: nc, site: 'odd', terminal: 'nobody' }).sale({ amount: 1 }),
    );
    expect(error).toMatchObject({ code: 'unreachable', nothingSent: true, outcomeUnknown: false });
  });

  it("an agent that never answers: outcome_unknown, and the action is the key's retry or findOutcome", async () => {
    const lane = connectRemote({ nats: nc, site: 'odd', terminal: 'silent', requestTimeoutMs: 300 });
    const error = await failure(lane.sale({ amount: 1 }, { idempotencyKey: 'k1' }));
    expect(error).toMatchObject({ code: 'outcome_unknown', nothingSent: false, outcomeUnknown: true });
    expect(error.action).toMatch(/same idempotency key.*findOutcome/);
  });

  it('answers that are not JSON-RPC responses: bad_answer, outcome unknown', async () => {
    const expected = { 'not-json': 'bad_answer', null: 'bad_answer', 'no-result': 'bad_answer' };
    for (const [terminal, code] of Object.entries(expected)) {
      const error = await failure(connectRemote({ nats: nc, site: 'odd', terminal }).sale({ amount: 1 }));
      expect(error).toMatchObject({ code, outcomeUnknown: true, nothingSent: false });
    }
    // An error member that is not an object is still the agent's refusal, typed.
    const refused = await failure(
      connectRemote({ nats: nc, site: 'odd', terminal: 'error-not-object' }).sale({}),
    );
    expect(refused.code).toBe('agent_error');
  });

  it('params that cannot be sent: invalid_request, nothing sent', async () => {
    const lane = connectRemote({ nats: nc, site: 'odd', terminal: 'silent' });
    const error = await failure(lane.sale({ amount: 1n }));
    expect(error).toMatchObject({ code: 'invalid_request', nothingSent: true });
  });

  it('a closed connection: unreachable before anything is sent, with or without progress', async () => {
    const closed = await natsClient(server.url);
    await closed.close();
    const lane = connectRemote({ nats: closed, site: 'odd', terminal: 'silent' });
    expect(await failure(lane.sale({ amount: 1 }))).toMatchObject({ code: 'unreachable', nothingSent: true });
    const withProgress = lane.sale({ amount: 1 }, { onProgress: () => undefined });
    expect(await failure(withProgress)).toMatchObject({ code: 'unreachable', nothingSent: true });
    expect(await failure(lane.findOutcome({ flowId: 'f1' }))).toMatchObject({ code: 'stream_unavailable' });
    expect(() => lane.onState(() => undefined)).toThrow(RemoteError);
  });

  it('findOutcome with a key of another shape: invalid_request, nothing looked up', async () => {
    const lane = connectRemote({ nats: nc, site: 'odd', terminal: 'silent' });
    for (const key of [
      {},
      { flowId: '' },
      { idempotencyKey: 5 },
      null,
      Object.create({ flowId: 'inherited' }),
    ]) {
      expect(await failure(lane.findOutcome(key as never))).toMatchObject({ code: 'invalid_request' });
    }
  });

  it('findOutcome on a stream that is not there: stream_unavailable, and a later lookup tries again', async () => {
    const lane = connectRemote({ nats: nc, site: 'odd', terminal: 'silent', stream: 'NO_SUCH_STREAM' });
    const error = await failure(lane.findOutcome({ idempotencyKey: 'k1' }));
    expect(error).toMatchObject({ code: 'stream_unavailable', nothingSent: true, outcomeUnknown: false });
    expect(await failure(lane.findOutcome({ flowId: 'f1' }))).toMatchObject({ code: 'stream_unavailable' });
  });
});
