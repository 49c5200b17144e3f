import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type TextPage, TextPages } from '../src/text-pages.js';

/** What a holder keeps of a text it put: as the holders (journal index, flow table) keep it. */
interface Held {
  readonly text: string;
  readonly page: TextPage;
  readonly generation: number;
  readonly at: number;
  readonly length: number;
}

function put(pages: TextPages, text: string): Held {
  expect(pages.put(text)).toBe(true);
  return {
    text,
    page: pages.page as TextPage,
    generation: pages.generation,
    at: pages.at,
    length: pages.length,
  };
}

const read = (held: Held) => held.page.read(held.generation, held.at, held.length);

/** Frame-like texts: ASCII mostly, with accents, CJK, emoji (surrogate pairs); some past a quarter page. */
const text = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 700 }), weight: 6 },
  { arbitrary: fc.string({ maxLength: 900 }), weight: 3 },
  { arbitrary: fc.nat(3).map((n) => `${'é'.repeat(300 * (n + 1))}€🎉`), weight: 1 },
);

type Op = { readonly op: 'put'; readonly text: string } | { readonly op: 'release'; readonly pick: number };

describe('TextPages', () => {
  // Each held text is released once: the holders forget the page when they release it.
  it('reads back every text still held, exactly, while released pages are reused', () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('put' as const), text }), weight: 3 },
      // Mostly the oldest first (as both holders evict), sometimes any.
      { arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }), weight: 2 },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 50, maxLength: 200 }), (ops) => {
        // Small pages: many page changes, spares and reuse within a few hundred texts.
        const pages = new TextPages(4096);
        const held: Held[] = [];
        for (const step of ops) {
          if (step.op === 'put') held.push(put(pages, step.text));
          else if (held.length > 0) {
            const at = step.pick % 4 === 0 ? step.pick % held.length : 0;
            const [gone] = held.splice(at, 1) as [Held];
            pages.release(gone.page, gone.generation);
          }
          for (const h of held) expect(read(h)).toBe(h.text);
          expect(pages.spares).toBeLessThanOrEqual(4);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('reuses pages: a holder that keeps 200 texts at a time never needs more than a few pages', () => {
    const pages = new TextPages();
    const frame = (n: number) =>
      `{"event":{"flow_id":"${n}","resource":{"status":"completed","pad":"${'x'.repeat(560)}"}}}`;
    const held: Held[] = [];
    for (let n = 0; n < 50_000; n++) {
      held.push(put(pages, frame(n)));
      if (held.length > 200) {
        const gone = held.shift() as Held;
        pages.release(gone.page, gone.generation);
      }
    }
    for (const h of held) expect(read(h)).toBe(h.text);
    // 200 texts of ~630 bytes are two pages of 64 KiB; one being filled, spares bounded.
    expect(pages.made).toBeLessThanOrEqual(8);
  });

  it('refuses to read a text whose page was reused (a holder that let go and kept reading)', () => {
    const pages = new TextPages(1024);
    const first = put(pages, 'a'.repeat(50));
    const others: Held[] = [];
    while (pages.made === 1) others.push(put(pages, 'b'.repeat(80)));
    // Every text on the first page let go of: it is recycled (the writer has moved on), a new generation.
    pages.release(first.page, first.generation);
    for (const other of others) if (other.page === first.page) pages.release(other.page, other.generation);
    expect(pages.spares).toBe(1);
    expect(() => read(first)).toThrow(/reused/);
    expect(read(others[others.length - 1] as Held)).toBe('b'.repeat(80));
  });

  it('gives a text larger than a quarter page a page of its own, never reused', () => {
    const pages = new TextPages(1024);
    const small = put(pages, 'small');
    const large = put(pages, 'L'.repeat(400));
    expect(large.page).not.toBe(small.page);
    expect(read(large)).toBe('L'.repeat(400));
    pages.release(large.page, large.generation);
    expect(pages.spares).toBe(0);
    const next = put(pages, 'next');
    expect(next.page).toBe(small.page);
  });

  it('keeps no text with a lone surrogate (UTF-8 cannot carry it): the holder keeps the string', () => {
    const pages = new TextPages();
    expect(pages.put('{"name":"\uD800"}')).toBe(false);
    expect(pages.put('{"name":"x\uDC00y"}')).toBe(false);
    expect(pages.put('{"name":"🎉"}')).toBe(true);
  });
});
