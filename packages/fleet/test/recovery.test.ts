import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRemote, RemoteError, type RemoteOutcome } from '../src/index.js';
import { type AgentProcess, buildCli, killHard, spawnAgent } from './agent-process.js';
import { singleServer } from './nats-server.js';
import { eventually, hasNatsServer, natsClient, simulated, startAgent, streamRecords } from './support.js';

const nats = hasNatsServer();

describe.skipIf(!nats)('fleet recovery: agents and nats-server killed', () => {
  let server: Awaited<ReturnType<typeof singleServer>>;
  let nc: NatsConnection;
  let dir: string;
  const agents: AgentProcess[] = [];
  const simulators: RunningSimulator[] = [];

  beforeAll(async () => {
    buildCli();
    server = await singleServer();
    nc = await natsClient(server.url);
    dir = mkdtempSync(join(tmpdir(), 'bluechip-fleet-'));
  }, 120_000);

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => killHard(a)));
    await Promise.all(simulators.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await nc?.close();
    await server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const agent = (name: string, config: object) => {
    const process = spawnAgent(join(dir, `${name}.json`), { nats: { servers: server.url, name }, ...config });
    agents.push(process);
    return process;
  };

  it('two agents of a site in one queue group: one is killed, the survivor serves', async () => {
    const a = agent('agent-a', { site: 'shop', terminals: [simulated('lane1')] });
    const b = agent('agent-b', { site: 'shop', terminals: [simulated('lane1')] });
    await Promise.all([a.ready, b.ready]);
    const lane = connectRemote({ nats: nc, site: 'shop', terminal: 'lane1' });
    for (let i = 0; i < 4; i++) expect((await lane.sale({ amount: 1000 + i })).kind).toBe('approved');
    await killHard(a);
    // The server drops the dead agent's queue subscription when it notices the closed connection, which on a
    // loaded machine can be after the next request: that request then waits on a dead agent. A POS retries
    // such a call with the same idempotency key, which is safe (the survivor replays or runs it once).
    const after: RemoteOutcome[] = [];
    for (let i = 0; i < 4; i++)
      after.push(
        await eventually(
          () => lane.sale({ amount: 2000 + i }, { idempotencyKey: `after-${i}`, requestTimeoutMs: 5_000 }),
          10,
          100,
        ),
      );
    expect(after.map((o) => o.kind)).toEqual(['approved', 'approved', 'approved', 'approved']);
    const records = (await streamRecords(nc)).filter((r) => r.idempotencyKey?.startsWith('after-'));
    expect(records).toHaveLength(4);
    expect(new Set(records.map((r) => r.agent))).toEqual(new Set(['agent-b']));
  }, 120_000);

  it('an agent killed mid-sale reconciles its journal on restart and publishes the outcome once', async () => {
    const simulator = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 700 });
    simulators.push(simulator);
    const config = {
      site: 'mall',
      terminals: [{ id: 'lane1', url: simulator.url, journalDir: join(dir, 'mall-lane1') }],
    };
    const first = agent('mall-1', config);
    await first.ready;
    const lane = connectRemote({ nats: nc, site: 'mall', terminal: 'lane1' });
    const killed: Promise<void>[] = [];
    const error = await lane
      .sale(
        { amount: 4321 },
        {
          idempotencyKey: 'order-crash',
          requestTimeoutMs: 3_000,
          onProgress: (p) => {
            if (p.type === 'started') killed.push(killHard(first));
          },
        },
      )
      .catch((e: unknown) => e);
    await Promise.all(killed);
    expect(killed).toHaveLength(1);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('outcome_unknown');
    // The terminal finished the sale on its own (it was approved there; the agent never heard of it).
    await eventually(async () =>
      simulator.snapshot().activeFlow === undefined && simulator.snapshot().batch.length === 1 ? true : null,
    );
    expect(await lane.findOutcome({ idempotencyKey: 'order-crash' })).toBeNull();

    const second = agent('mall-2', config);
    await second.ready;
    const record = await eventually(() => lane.findOutcome({ idempotencyKey: 'order-crash' }), 300);
    expect(record.source).toBe('reconciled');
    expect(record.outcome.kind).toBe('approved');
    expect(record.agent).toBe('mall-2');
    // The caller's retry gets the same flow, replayed, and nothing new reaches the terminal or the stream.
    const retry = await lane.sale({ amount: 4321 }, { idempotencyKey: 'order-crash' });
    expect(retry).toMatchObject({ kind: 'approved', flowId: record.flowId, replayed: true });
    expect(simulator.snapshot().batch).toHaveLength(1);
    const records = (await streamRecords(nc)).filter((r) => r.idempotencyKey === 'order-crash');
    expect(records).toHaveLength(1);
  }, 120_000);

  it('nats-server restarted (file storage) mid-sale: no outcome lost, each once, the caller gets it', async () => {
    const inProcess = await startAgent(server.url, { site: 'depot', terminals: [simulated('lane1', 600)] });
    try {
      const lane = connectRemote({ nats: nc, site: 'depot', terminal: 'lane1' });
      const before = await lane.sale({ amount: 111 }, { idempotencyKey: 'before-restart' });
      let restarted: Promise<void> | undefined;
      const during = await lane
        .sale(
          { amount: 222 },
          {
            idempotencyKey: 'during-restart',
            requestTimeoutMs: 6_000,
            onProgress: (p) => {
              if (p.type === 'started') restarted ??= server.restart('SIGTERM');
            },
          },
        )
        .catch((e: unknown) => e);
      await restarted;
      expect(restarted).toBeDefined();
      // Either the answer came through the reconnect, or the caller finds it in the stream.
      const found = await eventually(() => lane.findOutcome({ idempotencyKey: 'during-restart' }), 150);
      expect(found.outcome.kind).toBe('approved');
      if (!(during instanceof Error)) expect((during as RemoteOutcome).flowId).toBe(found.flowId);
      else expect((during as RemoteError).code).toBe('outcome_unknown');
      expect((await lane.findOutcome({ idempotencyKey: 'before-restart' }))?.flowId).toBe(before.flowId);
      const records = await streamRecords(nc);
      expect(records.filter((r) => r.idempotencyKey === 'before-restart')).toHaveLength(1);
      expect(records.filter((r) => r.idempotencyKey === 'during-restart')).toHaveLength(1);
      // And the agent serves again after the restart.
      expect((await lane.sale({ amount: 333 })).kind).toBe('approved');
      expect(inProcess.unpublished).toBe(0);
    } finally {
      await inProcess.close();
    }
  }, 120_000);

  it('an outcome the stream could not take is republished by the next agent (write-ahead outbox log)', async () => {
    const simulator = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 500 });
    simulators.push(simulator);
    const journalDir = join(dir, 'kiosk-lane1');
    const config = { site: 'kiosk', terminals: [{ id: 'lane1', url: simulator.url, journalDir }] };
    const first = agent('kiosk-1', config);
    await first.ready;
    const lane = connectRemote({ nats: nc, site: 'kiosk', terminal: 'lane1' });
    let down: Promise<void> | undefined;
    const error = await lane
      .sale(
        { amount: 777 },
        {
          idempotencyKey: 'order-nats-down',
          requestTimeoutMs: 3_000,
          onProgress: (p) => {
            if (p.type === 'started') down ??= server.stop('SIGKILL');
          },
        },
      )
      .catch((e: unknown) => e);
    await down;
    expect((error as RemoteError).code).toBe('outcome_unknown');
    // The agent journaled the approval and wrote it ahead to its outbox log; NATS is away, so it waits.
    await eventually(async () => {
      const text = await readFile(join(journalDir, 'fleet-outbox.jsonl'), 'utf8').catch(() => '');
      return text.includes('order-nats-down') ? true : null;
    });
    await killHard(first);
    await server.start();
    const second = agent('kiosk-2', config);
    await second.ready;
    const record = await eventually(() => lane.findOutcome({ idempotencyKey: 'order-nats-down' }), 300);
    expect(record).toMatchObject({ source: 'answer', agent: 'kiosk-1' });
    expect(record.outcome.kind).toBe('approved');
    expect(simulator.snapshot().batch).toHaveLength(1);
    expect((await streamRecords(nc)).filter((r) => r.idempotencyKey === 'order-nats-down')).toHaveLength(1);
  }, 120_000);
});
