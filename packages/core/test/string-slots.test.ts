import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringSlots, stringHash } from '../src/string-slots.js';

describe('StringSlots', () => {
  it('finds, files and removes keys like a Map, through growth and deletions in long probe runs', () => {
    // Few distinct keys (short ids, long ones, look-alikes, the empty string): many hits, removals, refills.
    const key = fc.oneof(
      fc.integer({ min: 0, max: 60 }).map(String),
      fc.integer({ min: 0, max: 20 }).map((n) => `${'x'.repeat(300)}${n}`),
      fc.constantFrom('', '0', '00', 'é', '🎉'),
    );
    const op = fc.record({ remove: fc.boolean(), key });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 500 }), (ops) => {
        const table = new StringSlots();
        const model = new Map<string, number>();
        let slot = 0;
        for (const step of ops) {
          if (step.remove) {
            expect(table.delete(step.key)).toBe(model.get(step.key) ?? -1);
            model.delete(step.key);
          } else if (!model.has(step.key)) {
            table.set(step.key, slot);
            model.set(step.key, slot++);
          }
          expect(table.size).toBe(model.size);
          for (const [k, v] of model) expect(table.get(k)).toBe(v);
          expect(table.get(`${step.key}?`)).toBe(model.get(`${step.key}?`) ?? -1);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('keeps a run that wraps past the end of the table whole when a key before it goes', () => {
    const seed = 12345;
    // Keys by their first slot in the table's first size (16 slots).
    const withHome = (slot: number, skip = 0) => {
      for (let n = 0, found = 0; ; n++)
        if ((stringHash(`k${n}`, seed) & 15) === slot && found++ === skip) return `k${n}`;
    };
    const [x, a, c] = [withHome(0), withHome(15), withHome(15, 1)];
    const table = new StringSlots(seed);
    // x sits in slot 0, a in slot 15, c wraps to slot 1; when x goes, c must move up to slot 0.
    table.set(x, 1);
    table.set(a, 2);
    table.set(c, 3);
    expect(table.delete(x)).toBe(1);
    expect([table.get(x), table.get(a), table.get(c)]).toEqual([-1, 2, 3]);
  });
});
