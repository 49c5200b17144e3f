import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BRIDGE_VERSION, METHODS, NOTIFICATIONS, openRpcDocument } from '../src/index.js';
import { OPENRPC_FILE, SchemaCheck } from './schema-check.js';

// The committed packages/bridge/openrpc.json is generated from the method table's codecs. After changing a
// codec: UPDATE_OPENRPC=1 npx vitest run packages/bridge/test/openrpc.test.ts
const generated = `${JSON.stringify(openRpcDocument(), null, 2)}\n`;

describe('the OpenRPC document', () => {
  it('is current: the committed file equals what the codecs generate', () => {
    if (process.env.UPDATE_OPENRPC === '1') writeFileSync(OPENRPC_FILE, generated);
    expect(readFileSync(OPENRPC_FILE, 'utf8')).toBe(generated);
  });

  it('has every method of the table and every notification, and the package version', () => {
    const document = JSON.parse(generated);
    expect(document.methods.map((m: { name: string }) => m.name)).toEqual(METHODS.map((m) => m.name));
    expect(document['x-notifications'].map((n: { name: string }) => n.name)).toEqual(
      NOTIFICATIONS.map((n) => n.name),
    );
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(document.info.version).toBe(pkg.version);
    expect(BRIDGE_VERSION).toBe(pkg.version);
    for (const name of [
      'terminal.open',
      'terminal.close',
      'terminal.status',
      'sale',
      'refund',
      'void',
      'preAuth',
      'preAuthCompletion',
      'force',
      'tipAdjust',
      'cardBalance',
      'reprintReceipt',
      'recallLastTransaction',
      'settlement',
      'terminalInfo',
      'setDateTime',
      'report',
      'raw',
      'reconcile',
      'outcome.get',
      'resolveFlow',
      'rpc.discover',
    ]) {
      expect(
        document.methods.some((m: { name: string }) => m.name === name),
        name,
      ).toBe(true);
    }
  });

  it('describes sale params as the TypeScript API takes them (integer cents, by name)', () => {
    const sale = JSON.parse(generated).methods.find((m: { name: string }) => m.name === 'sale');
    const amount = sale.params.find((p: { name: string }) => p.name === 'amount');
    expect(amount.required).toBe(true);
    expect(amount.schema).toMatchObject({ type: 'integer', minimum: 0 });
    expect(sale.params.find((p: { name: string }) => p.name === 'idempotencyKey').required).toBe(false);
  });

  it('the checker used by every bridge test refuses what the document does not allow', () => {
    const check = new SchemaCheck();
    check.check({ jsonrpc: '2.0', id: 1, result: { kind: 'approved' } }, 'sale');
    check.check({ jsonrpc: '2.0', method: 'flow.progress', params: { terminalId: 't1' } });
    check.check({ jsonrpc: '2.0', id: 1, error: { code: -1, message: 'x', data: { code: 'busy' } } });
    check.check({ jsonrpc: '2.0', method: 'no.such', params: {} });
    expect(check.problems).toHaveLength(5);
    const ok = new SchemaCheck();
    ok.check({ jsonrpc: '2.0', id: 1, result: null }, 'outcome.get');
    ok.check({
      jsonrpc: '2.0',
      method: 'terminal.state',
      params: { terminalId: 't1', state: { kind: 'idle' } },
    });
    expect(ok.problems).toEqual([]);
  });
});
