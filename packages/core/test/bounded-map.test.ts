import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../src/session/bounded-map.js';

describe('BoundedMap', () => {
  it('keeps the newest `limit` keys, like a Map trimmed oldest first, and tells of every value it lets go', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key: fc.nat(20) }),
      fc.record({ op: fc.constant('delete' as const), key: fc.nat(20) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 200 }), (limit, ops) => {
        const dropped: number[] = [];
        const map = new BoundedMap<number, number>(limit, (value) => dropped.push(value));
        const model = new Map<number, number>();
        const modelDropped: number[] = [];
        let value = 0;
        for (const step of ops) {
          if (step.op === 'set') {
            const old = model.get(step.key);
            if (old !== undefined) modelDropped.push(old);
            model.delete(step.key);
            model.set(step.key, ++value);
            map.set(step.key, value);
            if (model.size > limit) {
              const [oldestKey, oldestValue] = model.entries().next().value as [number, number];
              model.delete(oldestKey);
              modelDropped.push(oldestValue);
            }
          } else {
            const old = model.get(step.key);
            if (old !== undefined) modelDropped.push(old);
            model.delete(step.key);
            map.delete(step.key);
          }
          expect([...map.values()]).toEqual([...model.values()]);
          expect(dropped).toEqual(modelDropped);
        }
      }),
    );
  });
});
