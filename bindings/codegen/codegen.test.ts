import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentDigest, GO_DIR, generateGo, renderGo } from './go.mjs';
import { buildModel, readDocument } from './model.mjs';

const GENERATED = ['types_gen.go', 'methods_gen.go', 'errors_gen.go'];
const REGENERATE = 'npm run codegen';

function hasGofmt(): boolean {
  try {
    execFileSync('gofmt', ['-l', GO_DIR], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Go code generated from openrpc.json', () => {
  it('is current: each file carries the digest of the document and the generator', () => {
    const digest = currentDigest();
    for (const name of GENERATED) {
      const text = readFileSync(join(GO_DIR, name), 'utf8');
      expect(text.split('\n')[1], `bindings/go/${name} is stale: run ${REGENERATE}`).toBe(
        `// inputs: ${digest}`,
      );
    }
  });

  it.skipIf(!hasGofmt())('is byte for byte what the generator writes now', () => {
    const fresh = renderGo();
    for (const name of GENERATED) {
      expect(readFileSync(join(GO_DIR, name), 'utf8'), `bindings/go/${name}: run ${REGENERATE}`).toBe(
        fresh[name],
      );
    }
  });

  it('follows a change of the document: a new sale param becomes a field, a new method a Terminal method', () => {
    const document = readDocument() as { methods: { name: string; params: unknown[] }[] };
    const sale = document.methods.find((m) => m.name === 'sale');
    sale?.params.push({ name: 'loyaltyId', required: false, schema: { type: 'string' } });
    document.methods.push({ ...structuredClone(sale!), name: 'giftActivate' });
    const files = generateGo(buildModel(document), 'test');
    const saleParams = /type SaleParams struct \{[^}]*\}/.exec(files['types_gen.go'] ?? '')?.[0] ?? '';
    expect(saleParams).toMatch(/LoyaltyID string `json:"loyaltyId,omitempty"`/);
    expect(files['methods_gen.go']).toMatch(
      /func \(t \*Terminal\) GiftActivate\(ctx context.Context, params GiftActivateParams/,
    );
    expect(currentDigest(JSON.stringify(document))).not.toBe(currentDigest());
  });

  it('names error types by JSON-RPC code, whatever the order of their data codes; an unnamed code fails', () => {
    const document = readDocument() as { 'x-errors': { code: number; data?: { codes?: string[] } }[] };
    for (const entry of document['x-errors']) entry.data?.codes?.reverse();
    const errors = generateGo(buildModel(document), 'test')['errors_gen.go'] ?? '';
    for (const name of [
      'InvalidParamsError',
      'InvalidRequestError',
      'OutcomeUnknownError',
      'TerminalProtocolError',
    ]) {
      expect(errors).toContain(`type ${name} struct{ *RPCError }`);
    }
    document['x-errors'].push({ code: -32099, data: { codes: ['brand_new'] } });
    expect(() => generateGo(buildModel(document), 'test')).toThrow(/-32099.*no Go type name/);
  });

  it('maps every error class of x-errors to a Go type, and every operation to a method', () => {
    const files = generateGo(buildModel(readDocument()), 'test');
    for (const name of ['BusyError', 'OutcomeUnknownError', 'InvalidParamsError', 'AbortedError']) {
      expect(files['errors_gen.go']).toContain(`type ${name} struct{ *RPCError }`);
    }
    const methods = (readDocument() as { methods: { name: string }[] }).methods.map((m) => m.name);
    for (const method of methods.filter((m) => m !== 'terminal.open' && m !== 'terminal.close')) {
      expect(files['methods_gen.go']).toContain(`t.call(ctx, ${JSON.stringify(method)},`);
    }
  });
});
