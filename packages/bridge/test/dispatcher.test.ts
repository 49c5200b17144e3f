import { afterAll, describe, expect, it } from 'vitest';
import { openRpcDocument, RPC_CODES } from '../src/index.js';
import { inProcess, type Message, RpcClient, schema } from './support.js';

afterAll(() => {
  expect(schema.problems).toEqual([]);
  expect(schema.seen.results).toBeGreaterThan(10);
  expect(schema.seen.errors).toBeGreaterThan(5);
  expect(schema.seen.notifications).toBeGreaterThan(5);
});

async function openSim(client: RpcClient, eventDelayMs = 20, extra: object = {}): Promise<string> {
  const opened = await client.call<{ terminalId: string }>('terminal.open', {
    simulator: { eventDelayMs },
    ...extra,
  });
  return opened.terminalId;
}

describe('operations', () => {
  it('a sale is approved, with a started notification for its request, and outcome.get finds it', async () => {
    const { client } = inProcess();
    const terminalId = await openSim(client);
    const response = await client.request('sale', { terminalId, amount: 1234, idempotencyKey: 'order-1' });
    const outcome = response.result as { kind: string; flowId: string; result: { referenceNo: string } };
    expect(outcome.kind).toBe('approved');
    const started = client.notifications.find((n) => n.method === 'flow.progress');
    expect(started?.params).toMatchObject({
      terminalId,
      requestId: response.id,
      flowId: outcome.flowId,
      type: 'started',
    });
    const byKey = await client.call('outcome.get', { terminalId, idempotencyKey: 'order-1' });
    expect(byKey).toMatchObject({
      flowId: outcome.flowId,
      state: 'completed',
      outcome: { kind: 'approved' },
    });
    const byFlow = await client.call('outcome.get', { terminalId, flowId: outcome.flowId });
    expect(byFlow).toMatchObject({ idempotencyKey: 'order-1', type: 'sale' });
    expect(await client.call('outcome.get', { terminalId, idempotencyKey: 'never-used' })).toBeNull();
  });

  it('a declined card is a result, not an error', async () => {
    const { client } = inProcess();
    const terminalId = await openSim(client);
    const response = await client.request('sale', { terminalId, amount: 200 });
    expect(response.error).toBeUndefined();
    expect(response.result).toMatchObject({ kind: 'declined', resultStatus: 'decline_by_host_or_card' });
  });

  it('a retry with the same idempotency key returns the first outcome without charging again', async () => {
    const { client } = inProcess();
    const terminalId = await openSim(client);
    const first = await client.call<{ flowId: string }>('sale', {
      terminalId,
      amount: 1500,
      idempotencyKey: 'k',
    });
    const again = await client.call<{ flowId: string; replayed?: boolean }>('sale', {
      terminalId,
      amount: 1500,
      idempotencyKey: 'k',
    });
    expect(again.flowId).toBe(first.flowId);
    expect(again.replayed).toBe(true);
  });

  it('every operation of the API answers with an outcome', async () => {
    const { client } = inProcess();
    const terminalId = await openSim(client);
    const sale = await client.call<{ result: { referenceNo: string } }>('sale', { terminalId, amount: 1000 });
    const ref = sale.result.referenceNo;
    const pre = await client.call<{ result: { referenceNo: string } }>('preAuth', {
      terminalId,
      amount: 5000,
    });
    const calls: [string, object][] = [
      ['refund', { amount: 500 }],
      ['void', { referenceNo: ref }],
      ['preAuthCompletion', { amount: 4500, referenceNo: pre.result.referenceNo }],
      ['force', { amount: 700 }],
      ['tipAdjust', { referenceNo: pre.result.referenceNo, tipAmount: 100 }],
      ['cardBalance', {}],
      ['reprintReceipt', { reprintType: 'customer_copy' }],
      ['recallLastTransaction', {}],
      ['terminalInfo', {}],
      ['setDateTime', { at: '2026-05-04T10:20:30Z', utc: true }],
      ['report', { reportType: 'summary_report' }],
      ['raw', { endpoint: 'info', resource: { type: 'terminal_info' } }],
      ['settlement', {}],
    ];
    for (const [method, params] of calls) {
      const response = await client.request(method, { terminalId, ...params });
      expect(response.error, `${method}: ${JSON.stringify(response.error)}`).toBeUndefined();
      expect((response.result as { kind: string }).kind, method).toMatch(
        /approved|completed|other|declined|not_found/,
      );
    }
    const report = await client.call<{ flows: unknown[] }>('reconcile', { terminalId });
    expect(report.flows).toEqual([]);
    const status = await client.call('terminal.status', { terminalId });
    expect(status).toMatchObject({ terminalId, state: { kind: 'open' }, inFlight: 0, openFlows: 0 });
  });

  it('proceed events reach the caller with their results; a refusal and a malformed frame are typed', async () => {
    const { client } = inProcess();
    const scenario = {
      rules: [
        { match: { amount: 1111 }, proceedEvents: 1 },
        { match: { amount: 1112 }, reject: 'TSI busy' },
        { match: { amount: 1113 }, reject: 'card reader fault' },
      ],
    };
    const terminalId = await openSim(client, 10, { simulator: { eventDelayMs: 10, scenario } });
    const response = await client.request('sale', { terminalId, amount: 1111 });
    expect(response.result).toMatchObject({ kind: 'approved' });
    const progress = client.notifications
      .filter((n) => n.method === 'flow.progress' && n.params?.requestId === response.id)
      .map((n) => [n.params?.type, n.params?.status]);
    expect(progress).toEqual([
      ['started', undefined],
      ['proceed', 'proceed'],
    ]);
    const proceed = client.notifications.find((n) => n.params?.type === 'proceed');
    expect(proceed?.params?.results).toMatchObject([{ status: 'in_progress', type: 'sale' }]);
    expect((await client.request('sale', { terminalId, amount: 1112 })).error).toMatchObject({
      code: RPC_CODES.terminalBusy,
      data: { code: 'terminal_busy', outcomeUnknown: false },
    });
    expect((await client.request('sale', { terminalId, amount: 1113 })).error).toMatchObject({
      code: RPC_CODES.refused,
      data: { code: 'refused', errorInfo: { text: 'card reader fault' } },
    });
    // 2.07: a malformed frame, then the real event.
    const diagnostic = client.next((m) => m.method === 'terminal.diagnostic');
    expect((await client.request('sale', { terminalId, amount: 207 })).result).toMatchObject({
      kind: 'approved',
    });
    expect((await diagnostic).params).toMatchObject({ terminalId, kind: 'decode_error' });
    const bad = await client.request('terminal.open', { simulator: { scenario: { rules: 3 } } });
    expect(bad.error).toMatchObject({
      code: RPC_CODES.invalidParams,
      data: { path: 'params.simulator.scenario' },
    });
  });

  it('resolveFlow records the operator verdict on a flow whose outcome is unknown', async () => {
    const { client } = inProcess();
    const terminalId = await openSim(client, 10);
    // 2.04: the terminal never answers; the flow times out with its outcome unknown.
    const lost = await client.request('sale', {
      terminalId,
      amount: 204,
      idempotencyKey: 'lost-1',
      timeouts: { eventGapMs: 200, flowMs: 400 },
    });
    expect(lost.error).toMatchObject({ code: RPC_CODES.outcomeUnknown, data: { outcomeUnknown: true } });
    const flowId = lost.error?.data?.flowId as string;
    expect(await client.call('outcome.get', { terminalId, flowId })).toMatchObject({ state: 'unknown' });
    expect(
      (await client.request('resolveFlow', { terminalId, flowId, verdict: 'recovered' })).error,
    ).toMatchObject({
      code: RPC_CODES.invalidParams,
      data: { path: 'params.resource' },
    });
    expect(
      await client.call('resolveFlow', { terminalId, flowId, verdict: 'not_found', note: 'not on the slip' }),
    ).toEqual({ terminalId, flowId, verdict: 'not_found' });
    expect(await client.call('outcome.get', { terminalId, idempotencyKey: 'lost-1' })).toMatchObject({
      state: 'not_found',
      note: expect.stringContaining('not on the slip'),
    });
    expect(
      (await client.request('resolveFlow', { terminalId, flowId: 'nope', verdict: 'failed' })).error,
    ).toMatchObject({
      code: RPC_CODES.invalidParams,
      data: { code: 'unknown_flow' },
    });
  });

  it('rpc.discover returns the OpenRPC document', async () => {
    const { client } = inProcess();
    expect(await client.call('rpc.discover')).toEqual(openRpcDocument());
  });

  it('terminal ids: unknown, taken, closed', async () => {
    const { client } = inProcess();
    expect((await client.request('sale', { terminalId: 'nope', amount: 1 })).error).toMatchObject({
      code: RPC_CODES.unknownTerminal,
      data: { code: 'unknown_terminal' },
    });
    const terminalId = await openSim(client, 20, { terminalId: 'front' });
    expect(terminalId).toBe('front');
    expect(
      (await client.request('terminal.open', { simulator: true, terminalId: 'front' })).error,
    ).toMatchObject({
      code: RPC_CODES.invalidParams,
      data: { code: 'terminal_exists' },
    });
    expect((await client.request('terminal.open', {})).error).toMatchObject({
      code: RPC_CODES.invalidParams,
    });
    expect(await client.call('terminal.close', { terminalId })).toEqual({ terminalId, closed: true });
    expect((await client.request('terminalInfo', { terminalId })).error?.code).toBe(
      RPC_CODES.unknownTerminal,
    );
  });

  it('an unreachable terminal is a typed error saying nothing was sent', async () => {
    const { client } = inProcess();
    const { terminalId } = await client.call<{ terminalId: string }>('terminal.open', {
      url: 'ws://127.0.0.1:1',
      reconnect: false,
      connectTimeoutMs: 2000,
    });
    const response = await client.request('sale', { terminalId, amount: 100 });
    expect(response.error).toMatchObject({
      code: RPC_CODES.unreachable,
      data: { code: 'connect_failed', outcomeUnknown: false },
    });
  });
});

describe('bad input gets an error and the connection survives', () => {
  const errorOf = (m: Message | undefined) => m?.error;

  it('malformed JSON, non-objects, missing fields, unknown methods', async () => {
    const { client, raw } = inProcess();
    raw('{"jsonrpc": "2.0", "id": 1, "method": ');
    raw('42');
    raw('"text"');
    raw('{"id": 7, "method": "rpc.discover"}');
    raw('{"jsonrpc": "2.0", "id": {"x": 1}, "method": "rpc.discover"}');
    raw('{"jsonrpc": "2.0", "id": 8, "method": "rpc.discover", "params": 3}');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const codes = client.others.map((m) => [m.id, m.error?.code]);
    expect(codes).toEqual([
      [null, RPC_CODES.parseError],
      [null, RPC_CODES.invalidRequest],
      [null, RPC_CODES.invalidRequest],
      [7, RPC_CODES.invalidRequest],
      [null, RPC_CODES.invalidRequest],
      [8, RPC_CODES.invalidRequest],
    ]);
    expect(errorOf(await client.request('no.such', {}))).toMatchObject({
      code: RPC_CODES.methodNotFound,
      data: { code: 'method_not_found' },
    });
    // Still serving.
    expect(await client.call('rpc.discover')).toHaveProperty('openrpc');
  });

  it('wrong params are -32602 with the field path', async () => {
    const { client } = inProcess();
    const terminalId = await openSim(client);
    const cases: [object, string][] = [
      [{ terminalId }, 'params.amount'],
      [{ terminalId, amount: 12.5 }, 'params.amount'],
      [{ terminalId, amount: -1 }, 'params.amount'],
      [{ terminalId, amount: '12.34' }, 'params.amount'],
      [{ terminalId, amount: 100, idempotencyKy: 'x' }, 'params.idempotencyKy'],
      [{ terminalId, amount: 100, purchaseLevel2: { taxAmount: 1.5 } }, 'params.purchaseLevel2.taxAmount'],
      [{ terminalId, amount: 100, tenderType: 'bitcoin' }, 'params.tenderType'],
      [{ amount: 100 }, 'params.terminalId'],
    ];
    for (const [params, path] of cases) {
      const error = errorOf(await client.request('sale', params));
      expect(error, JSON.stringify(params)).toMatchObject({
        code: RPC_CODES.invalidParams,
        data: { code: 'invalid_params', path },
      });
    }
    expect(errorOf(await client.request('sale', [terminalId, 100]))).toMatchObject({
      code: RPC_CODES.invalidParams,
      data: { path: 'params' },
    });
    expect(errorOf(await client.request('setDateTime', { terminalId, at: 'tomorrow' }))).toMatchObject({
      code: RPC_CODES.invalidParams,
      data: { path: 'params.at' },
    });
  });

  it('a notification never gets an answer, even an unknown one', async () => {
    const { client } = inProcess();
    client.notify('no.such', {});
    client.notify('$/cancelRequest', { id: 999 });
    expect(await client.call('rpc.discover')).toHaveProperty('openrpc');
    expect(client.others).toEqual([]);
  });

  it('batches: answered as one array, notifications left out; empty and oversize batches refused', async () => {
    const { client, raw } = inProcess({ maxBatch: 3 });
    client.expect('b1', 'rpc.discover');
    raw(
      JSON.stringify([
        { jsonrpc: '2.0', id: 'b1', method: 'rpc.discover' },
        { jsonrpc: '2.0', method: 'no.such' },
        { jsonrpc: '2.0', id: 'b2', method: 'no.such' },
      ]),
    );
    for (let i = 0; i < 100 && client.others.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(client.others.map((m) => [m.id, m.error?.code ?? 'ok'])).toEqual([
      ['b1', 'ok'],
      ['b2', RPC_CODES.methodNotFound],
    ]);
    client.others.length = 0;
    raw('[]');
    raw(JSON.stringify([1, 2, 3, 4]));
    raw(JSON.stringify([{ jsonrpc: '2.0', method: 'x' }]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.others.map((m) => m.error?.code)).toEqual([
      RPC_CODES.invalidRequest,
      RPC_CODES.invalidRequest,
    ]);
  });

  it('a duplicate id in flight is refused', async () => {
    const setup = inProcess();
    const { client } = setup;
    const inProcessRaw = (_c: RpcClient) => setup;
    const terminalId = await openSim(client, 200);
    const { raw } = inProcessRaw(client);
    client.expect('same', 'sale');
    const refused = client.next((m) => m.id === 'same' && m.error !== undefined);
    const answered = client.next((m) => m.id === 'same' && m.result !== undefined);
    raw(JSON.stringify({ jsonrpc: '2.0', id: 'same', method: 'sale', params: { terminalId, amount: 100 } }));
    raw(JSON.stringify({ jsonrpc: '2.0', id: 'same', method: 'sale', params: { terminalId, amount: 100 } }));
    expect((await refused).error).toMatchObject({ code: RPC_CODES.invalidRequest });
    expect((await answered).result).toMatchObject({ kind: 'approved' });
  });
});

describe('bounded queues', () => {
  it('past maxPending a call fails at once with busy; the running ones finish', async () => {
    const { client } = inProcess({ maxPending: 2 });
    const terminalId = await openSim(client, 150);
    const a = client.request('sale', { terminalId, amount: 100 });
    const b = client.request('sale', { terminalId, amount: 101 });
    const c = await client.request('sale', { terminalId, amount: 102 });
    expect(c.error).toMatchObject({ code: RPC_CODES.terminalBusy, data: { code: 'busy' } });
    expect((await a).result).toMatchObject({ kind: 'approved' });
    expect((await b).result).toMatchObject({ kind: 'approved' });
  });

  it('past the terminal queue a flood of calls fails busy (nothing sent), the others run in order', async () => {
    const { client } = inProcess();
    const terminalId = await openSim(client, 30, { queueLimit: 2 });
    const calls = Array.from({ length: 8 }, (_, i) =>
      client.request('sale', { terminalId, amount: 300 + i }),
    );
    const responses = await Promise.all(calls);
    const busy = responses.filter((r) => r.error?.code === RPC_CODES.terminalBusy);
    const approved = responses.filter(
      (r) => (r.result as { kind?: string } | undefined)?.kind === 'approved',
    );
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((r) => r.error?.data?.outcomeUnknown === false)).toBe(true);
    expect(approved.length + busy.length).toBe(8);
  });
});

describe('cancellation and callers that leave', () => {
  it('$/cancelRequest stops the waiting; the outcome still reaches the journal and outcome.unclaimed', async () => {
    const { client } = inProcess();
    const terminalId = await openSim(client, 300);
    const started = client.next((m) => m.method === 'flow.progress');
    const call = client.request('sale', { terminalId, amount: 4321, idempotencyKey: 'cancel-me' }, 'c1');
    await started;
    const unclaimed = client.next((m) => m.method === 'outcome.unclaimed' && m.params?.final === true);
    client.notify('$/cancelRequest', { id: 'c1' });
    const response = await call;
    expect(response.error).toMatchObject({
      code: RPC_CODES.requestCancelled,
      data: { code: 'aborted', outcomeUnknown: true },
    });
    const late = await unclaimed;
    expect(late.params).toMatchObject({ terminalId, reason: 'unsubscribed', outcome: { kind: 'approved' } });
    // Settled in the journal: the retry with the key returns it instead of charging again.
    const record = await client.call('outcome.get', { terminalId, idempotencyKey: 'cancel-me' });
    expect(record).toMatchObject({ state: 'completed', outcome: { kind: 'approved' } });
    const retry = await client.call('sale', { terminalId, amount: 4321, idempotencyKey: 'cancel-me' });
    expect(retry).toMatchObject({ replayed: true, kind: 'approved' });
  });

  it('a cancel racing the request: either nothing was sent, or the outcome is kept', async () => {
    for (let round = 0; round < 6; round++) {
      const { client } = inProcess();
      const terminalId = await openSim(client, 50);
      const key = `race-${round}`;
      const call = client.request('sale', { terminalId, amount: 600 + round, idempotencyKey: key }, 'r');
      if (round % 2 === 0) client.notify('$/cancelRequest', { id: 'r' });
      else await Promise.resolve().then(() => client.notify('$/cancelRequest', { id: 'r' }));
      const response = await call;
      const record = await waitFor(
        () => client.call<{ state: string } | null>('outcome.get', { terminalId, idempotencyKey: key }),
        (r) => r === null || r.state !== 'open',
      );
      if (response.error?.data?.outcomeUnknown === false) expect(record).toBeNull();
      else if (response.error !== undefined) expect(record).toMatchObject({ state: 'completed' });
      else expect(response.result).toMatchObject({ kind: 'approved' });
    }
  });

  it('a caller that disconnects mid-flow: the outcome is kept and announced to the other callers', async () => {
    const { bridge, client } = inProcess();
    const terminalId = await openSim(client, 200);
    let second: RpcClient;
    const other = bridge.connect({ send: (text) => queueMicrotask(() => second.receive(text)) });
    second = new RpcClient((text) => other.receive(text));
    const started = client.next((m) => m.method === 'flow.progress');
    void client.request('sale', { terminalId, amount: 2500, idempotencyKey: 'gone-1' });
    await started;
    const announced = second.next((m) => m.method === 'outcome.unclaimed');
    // The first caller's connection goes away (a closed socket, a dead process).
    const connections = (bridge as unknown as { connections: Set<{ close(): void }> }).connections;
    [...connections][0]?.close();
    const message = await announced;
    expect(message.params).toMatchObject({
      reason: 'caller_gone',
      idempotencyKey: 'gone-1',
      outcome: { kind: 'approved' },
    });
    expect(await second.call('outcome.get', { terminalId, idempotencyKey: 'gone-1' })).toMatchObject({
      state: 'completed',
    });
  });
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 100 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}
