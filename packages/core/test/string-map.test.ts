import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringMap } from '../src/string-map.js';

type Op =
  | { readonly op: 'set'; readonly key: number; readonly value: number }
  | { readonly op: 'delete'; readonly key: number }
  | { readonly op: 'walk'; readonly stop: number; readonly changes: readonly (readonly [number, boolean])[] };

describe('StringMap', () => {
  it('behaves as a Map with string keys: order of first insertion, sizes, reads, live walks', () => {
    const key = fc.nat(40);
    const op: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.nat() }), weight: 4 },
      { arbitrary: fc.record({ op: fc.constant('delete' as const), key }), weight: 3 },
      // A walk that sets or deletes keys as it goes (as a caller between yields may), stopping early or not.
      fc.record({
        op: fc.constant('walk' as const),
        stop: fc.nat(50),
        changes: fc.array(fc.tuple(key, fc.boolean()), { maxLength: 8 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const map = new StringMap<number>();
        const model = new Map<string, number>();
        for (const step of ops) {
          if (step.op === 'set') {
            map.set(`k${step.key}`, step.value);
            model.set(`k${step.key}`, step.value);
          } else if (step.op === 'delete') {
            expect(map.delete(`k${step.key}`)).toBe(model.delete(`k${step.key}`));
          } else {
            const ours = map.values();
            const theirs = model.values();
            for (let i = 0; ; i++) {
              const a = ours.next();
              const b = theirs.next();
              expect(a).toEqual(b);
              if (b.done === true || i === step.stop) break;
              const change = step.changes[i % Math.max(step.changes.length, 1)];
              if (change === undefined) continue;
              const [k, remove] = change;
              if (remove) {
                map.delete(`k${k}`);
                model.delete(`k${k}`);
              } else {
                map.set(`k${k}`, i);
                model.set(`k${k}`, i);
              }
            }
            ours.return?.();
          }
          expect(map.size).toBe(model.size);
          for (let k = 0; k <= 40; k++) {
            expect(map.get(`k${k}`)).toBe(model.get(`k${k}`));
            expect(map.has(`k${k}`)).toBe(model.has(`k${k}`));
          }
          expect([...map.values()]).toEqual([...model.values()]);
          expect([...map.keys()]).toEqual([...model.keys()]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('allocates nothing once grown: 100 keys in, 100 out, 100 000 times over, within its first tables', () => {
    const map = new StringMap<number>();
    for (let n = 0; n < 100_000; n++) {
      map.set(String(1_000_000 + n), n);
      if (n >= 100) map.delete(String(1_000_000 + n - 100));
    }
    expect(map.size).toBe(100);
    const inside = map as unknown as { keys_: unknown[]; index: { keys: unknown[] } };
    expect(inside.keys_.length).toBe(128);
    expect(inside.index.keys.length).toBe(256);
  });
});
