import { describe, expect, it } from 'vitest';
import {
  cents,
  IdempotencyKeyError,
  idempotencyKeyProblem,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from '../src/index.js';
import { PLAIN, testRig } from './recovery-support.js';

describe('the idempotency key rule', () => {
  it('one documented maximum, control characters and lone surrogates refused', () => {
    expect(idempotencyKeyProblem('order-981')).toBeUndefined();
    expect(idempotencyKeyProblem('order-Müller-🧾')).toBeUndefined();
    expect(idempotencyKeyProblem('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH))).toBeUndefined();
    expect(idempotencyKeyProblem('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1))).toBe('too_long');
    expect(idempotencyKeyProblem('')).toBe('empty');
    expect(idempotencyKeyProblem('order\n1')).toBe('control_character');
    expect(idempotencyKeyProblem('order\u0085')).toBe('control_character');
    expect(idempotencyKeyProblem('order-\ud800')).toBe('lone_surrogate');
  });

  it('a refused key is a typed error before anything is sent, in both forms', async () => {
    const r = testRig();
    const terminal = r.terminal();
    const long = 'k'.repeat(3000);
    const error = await r
      .run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: long }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyKeyError);
    expect(error).toMatchObject({ code: 'invalid_idempotency_key', problem: 'too_long', length: 3000 });
    expect((error as Error).message).not.toContain(long);
    const observed = await new Promise((resolve) =>
      terminal.sale$({ amount: cents(PLAIN) }, { idempotencyKey: 'a\u0000b' }).subscribe({ error: resolve }),
    );
    expect(observed).toBeInstanceOf(IdempotencyKeyError);
    expect(r.requests.filter((q) => q.type === 'sale')).toHaveLength(0);
    // The longest allowed key works.
    const ok = await r.run(
      terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH) }),
    );
    expect(ok.kind).toBe('approved');
  });
});
