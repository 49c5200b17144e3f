import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, OPENRPC, staleFiles } from '../codegen/java.mjs';

const document = () => JSON.parse(readFileSync(OPENRPC, 'utf8'));

describe('the generated Java binding', () => {
  it('is current with packages/bridge/openrpc.json (else run npm run codegen)', () => {
    expect(staleFiles()).toEqual([]);
  });

  it('goes stale when an operation gains a field, and the regenerated record carries it', () => {
    const changed = document();
    const sale = changed.methods.find((m: { name: string }) => m.name === 'sale');
    sale.params.push({ name: 'loyaltyId', required: false, schema: { type: 'string' } });
    expect(staleFiles(changed)).toEqual(['dev/bluechipws/bridge/model/SaleParams.java']);
    expect(generate(changed).get('dev/bluechipws/bridge/model/SaleParams.java')).toContain(
      '@JsonProperty("loyaltyId") String loyaltyId',
    );
  });

  it('goes stale when an operation is added, with one typed method for it', () => {
    const changed = document();
    changed.methods.push({
      name: 'giftActivate',
      summary: 'Activates a gift card.',
      params: [
        { name: 'terminalId', required: true, schema: { type: 'string' } },
        { name: 'amount', required: true, schema: { type: 'integer' } },
      ],
      result: { name: 'result', schema: { $ref: '#/components/schemas/Outcome' } },
    });
    expect(staleFiles(changed)).toContain('dev/bluechipws/bridge/TerminalOperations.java');
    const operations = generate(changed).get('dev/bluechipws/bridge/TerminalOperations.java');
    expect(operations).toContain('public Outcome giftActivate(GiftActivateParams params)');
    expect(operations).toContain(
      'public CompletableFuture<Outcome> giftActivateAsync(GiftActivateParams params)',
    );
  });

  it('refuses an error code it has no exception name for', () => {
    const changed = document();
    changed['x-errors'].push({ code: -32010, message: 'New', data: { codes: ['new'], actions: {} } });
    expect(() => generate(changed)).toThrow(/-32010/);
  });
});
