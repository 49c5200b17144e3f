import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict, hasLoneSurrogate, renderUntrusted } from '../src/untrusted.js';

describe('decodeUtf8Strict', () => {
  it('decodes valid UTF-8 and refuses invalid bytes instead of replacing them', () => {
    expect(decodeUtf8Strict(new TextEncoder().encode('order-Müller'))).toBe('order-Müller');
    expect(decodeUtf8Strict(Uint8Array.from([0x6f, 0x2d, 0x4d, 0xfc, 0x6c]))).toBeUndefined();
    expect(decodeUtf8Strict(Uint8Array.from([0x4d, 0xe4, 0x6c]))).toBeUndefined();
  });
});

describe('hasLoneSurrogate', () => {
  it('finds lone surrogates only', () => {
    expect(hasLoneSurrogate('a😀b')).toBe(false);
    expect(hasLoneSurrogate('a\ud800b')).toBe(true);
    expect(hasLoneSurrogate('a\udc00')).toBe(true);
    expect(hasLoneSurrogate('\ud83d')).toBe(true);
  });
});

describe('renderUntrusted', () => {
  it('renders small values like JSON', () => {
    expect(renderUntrusted({ a: [1, 'x', null] })).toBe('{"a":[1,"x",null]}');
  });
  it('survives nesting far deeper than the stack allows JSON.stringify to go', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const text = renderUntrusted(deep);
    expect(text.length).toBeLessThanOrEqual(60);
    expect(text).toContain('[…]');
  });
  it('bounds the length of huge strings and wide objects', () => {
    expect(renderUntrusted('x'.repeat(1_000_000)).length).toBeLessThanOrEqual(60);
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    expect(renderUntrusted(wide, { maxChars: 40 }).length).toBeLessThanOrEqual(40);
  });
  it('never calls toJSON or getters of the value', () => {
    const hostile = {
      toJSON() {
        throw new Error('called');
      },
      get g() {
        throw new Error('getter');
      },
    };
    expect(() => renderUntrusted(hostile)).not.toThrow();
  });
});
