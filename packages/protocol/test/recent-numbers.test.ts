import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentNumbers } from '../src/recent-numbers.js';

describe('RecentNumbers', () => {
  it('holds exactly the last `window` numbers added, like a Set trimmed oldest first', () => {
    // Numbers that share their low 32 bits share a home slot: long probe runs, shifts across the wrap.
    const number = fc.oneof(
      fc.integer({ min: 1, max: 200 }),
      fc.integer({ min: 1, max: 40 }).map((k) => k * 2 ** 32 + 7),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.array(number, { maxLength: 400 }), (window, drawn) => {
        const recent = new RecentNumbers(window);
        const model: number[] = [];
        for (const n of drawn) {
          expect(recent.has(n)).toBe(model.includes(n));
          if (model.includes(n)) continue;
          recent.add(n);
          if (window > 0) model.push(n);
          if (model.length > window) expect(recent.has(model.shift() as number)).toBe(false);
          for (const kept of model) expect(recent.has(kept)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps a run that wraps past the end of the table whole when an entry before it goes', () => {
    // The set's first slot for n in a 32-slot table (its first size): the top 5 bits of a Fibonacci hash.
    const home = (n: number) => Math.imul(n | 0, 0x9e3779b1) >>> 27;
    const withHome = (slot: number, skip = 0) => {
      for (let n = 1, found = 0; ; n++) if (home(n) === slot && found++ === skip) return n;
    };
    const x = withHome(0);
    const a = withHome(31);
    const c = withHome(31, 1);
    const recent = new RecentNumbers(3);
    // x sits in slot 0, a in slot 31, c wraps to slot 1; x leaves first: c must move up to slot 0.
    for (const n of [x, a, c, withHome(5)]) recent.add(n);
    expect([recent.has(x), recent.has(a), recent.has(c)]).toEqual([false, true, true]);
  });
});
