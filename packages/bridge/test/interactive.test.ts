import { afterAll, describe, expect, it } from 'vitest';
import { inProcess, type Message, type RpcClient, schema } from './support.js';

afterAll(() => {
  expect(schema.problems).toEqual([]);
});

async function openInteractive(client: RpcClient, extra: object = {}): Promise<string> {
  const opened = await client.call<{ terminalId: string }>('terminal.open', {
    simulator: { eventDelayMs: 10, interactive: true, ...extra },
    frames: true,
    // The reconcile below is the test's, not an automatic one racing it.
    autoReconcile: false,
  });
  return opened.terminalId;
}

/** Resolves with the first notification `match` accepts (those already received included). */
function notified(client: RpcClient, match: (m: Message) => boolean): Promise<Message> {
  return new Promise((resolve) => {
    const poll = () => {
      const found = client.notifications.find(match);
      if (found !== undefined) resolve(found);
      else setTimeout(poll, 5);
    };
    poll();
  });
}

const screenIs = (kind: string) => (m: Message) =>
  m.method === 'simulator.screen' && (m.params?.screen as { kind?: string } | undefined)?.kind === kind;

describe('the interactive simulator through the bridge', () => {
  it('a sale waits for the customer, who presents a card: approved, screens and masked frames announced', async () => {
    const { client } = inProcess();
    const terminalId = await openInteractive(client);
    expect(await client.call('simulator.screen', { terminalId })).toEqual({
      terminalId,
      screen: { kind: 'idle' },
    });
    const sale = client.request('sale', { terminalId, amount: 200 });
    const asking = await notified(client, screenIs('present_card'));
    expect(asking.params?.screen).toMatchObject({ amount: 200, type: 'sale', timeoutMs: 60_000 });
    expect(await client.call('simulator.customer', { terminalId, action: 'approve' })).toMatchObject({
      accepted: true,
      screen: { kind: 'approved' },
    });
    expect((await sale).result).toMatchObject({ kind: 'approved' });
    const frames = client.notifications.filter((n) => n.method === 'terminal.frame').map((n) => n.params);
    expect(frames.map((f) => f?.direction)).toEqual(['out', 'in', 'in', 'out']);
    const final = String(frames[2]?.text);
    expect(final).toContain('"account_no"');
    // The card number never leaves unmasked; the EMV AID (not card data) shows as sent.
    expect(final).toMatch(/"account_no":"\*{8,}\d{4}"/);
    expect(final).toMatch(/"aid":"A0{4}\d+"/);
    expect(final.replace(/"aid":"[^"]*"/, '')).not.toMatch(/\d{12,19}/);
    expect(await client.call('simulator.customer', { terminalId, action: 'approve' })).toMatchObject({
      accepted: false,
    });
  });

  it('declines and cancels are outcomes; walking away times out at the customer timeout', async () => {
    const { client } = inProcess();
    const terminalId = await openInteractive(client, { customerTimeoutMs: 50 });
    const declined = client.request('sale', { terminalId, amount: 1234 });
    await notified(client, screenIs('present_card'));
    await client.call('simulator.customer', { terminalId, action: 'decline' });
    expect((await declined).result).toMatchObject({ kind: 'declined' });
    const timedOut = await client.request('sale', { terminalId, amount: 1234 });
    expect(timedOut.result).toMatchObject({ resultStatus: 'timeout_on_user_input' });
  });

  it('a pulled cable leaves the outcome unknown, an open flow in the journal, and reconcile recovers it', async () => {
    const { client } = inProcess();
    const terminalId = await openInteractive(client);
    const sale = client.request('sale', { terminalId, amount: 4321, timeouts: { responseMs: 2000 } });
    await notified(client, screenIs('present_card'));
    await client.call('simulator.customer', { terminalId, action: 'pull_cable' });
    const failed = await sale;
    expect(failed.error).toMatchObject({ code: -32002, data: { outcomeUnknown: true } });
    const open = await client.call<{ flows: { flowId: string; state: string }[] }>('journal.openFlows', {
      terminalId,
    });
    expect(open.flows).toHaveLength(1);
    const report = await client.call<{ flows: { verdict: string }[]; unresolved: number }>('reconcile', {
      terminalId,
    });
    expect(report.flows[0]).toMatchObject({ verdict: 'recovered', outcome: { kind: 'approved' } });
    expect((await client.call<{ flows: unknown[] }>('journal.openFlows', { terminalId })).flows).toHaveLength(
      0,
    );
  });

  it('customer actions on a terminal without an interactive simulator are refused with the path', async () => {
    const { client } = inProcess();
    const { terminalId } = await client.call<{ terminalId: string }>('terminal.open', { simulator: true });
    const response = await client.request('simulator.customer', { terminalId, action: 'approve' });
    expect(response.error).toMatchObject({ code: -32602, data: { path: 'params.terminalId' } });
    const bad = await client.request('simulator.customer', { terminalId, action: 'dance' });
    expect(bad.error).toMatchObject({ code: -32602 });
  });
});
