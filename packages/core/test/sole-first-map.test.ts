import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SoleFirstMap } from '../src/sole-first-map.js';
import { StringMap } from '../src/string-map.js';

type Op =
  | { readonly op: 'set'; readonly key: string; readonly value: number }
  | { readonly op: 'delete'; readonly key: string };

const key = fc.constantFrom('a', 'b', 'c', 'd');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ op: fc.constant('delete' as const), key }),
);

describe('SoleFirstMap', () => {
  it('reads like a Map (entries, size, insertion order) after any sequence of sets and deletes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const model = new Map<string, number>();
        const map = new SoleFirstMap<number>();
        for (const step of ops) {
          if (step.op === 'set') {
            model.set(step.key, step.value);
            map.set(step.key, step.value);
          } else {
            expect(map.delete(step.key)).toBe(model.delete(step.key));
          }
          expect(map.size).toBe(model.size);
          expect([...map.keys()]).toEqual([...model.keys()]);
          expect([...map.values()]).toEqual([...model.values()]);
          for (const k of ['a', 'b', 'c', 'd']) {
            expect(map.has(k)).toBe(model.has(k));
            expect(map.get(k)).toBe(model.get(k));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('lets go of a deleted sole entry (nothing keeps the value alive)', () => {
    const map = new SoleFirstMap<object>();
    map.set('a', {});
    map.delete('a');
    expect(
      Object.values(map as unknown as Record<string, unknown>).filter(
        (v) => typeof v === 'object' && !(v instanceof StringMap),
      ),
    ).toEqual([]);
  });

  it('stays a Map once two entries were live at once, even drained (no code path flips at each ramp-up)', () => {
    const map = new SoleFirstMap<number>();
    map.set('a', 1);
    expect((map as unknown as { many: StringMap<number> }).many.size).toBe(0);
    map.set('b', 2);
    map.delete('a');
    map.delete('b');
    map.set('c', 3);
    expect((map as unknown as { many: StringMap<number> }).many.size).toBe(1);
    expect([...map.values()]).toEqual([3]);
  });

  it('tolerates deleting the entry it is iterating over', () => {
    const map = new SoleFirstMap<number>();
    map.set('a', 1);
    const seen: number[] = [];
    for (const value of map.values()) {
      seen.push(value);
      map.delete('a');
    }
    expect(seen).toEqual([1]);
    expect(map.size).toBe(0);
  });
});
