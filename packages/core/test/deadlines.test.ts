import fc from 'fast-check';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DeadlineHeap, type HeapItem } from '../src/session/deadline-heap.js';
import type { FlowClock as Flow } from '../src/session/deadlines.js';
import { Deadlines } from '../src/session/deadlines.js';
import { TIMEOUT_STAGES, type TimeoutCode } from '../src/session/timeout-stages.js';

type Item = HeapItem & { id: number };

describe('DeadlineHeap', () => {
  it('property: pops in key order after any mix of inserts, moves and removals', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        id: fc.nat(30),
        key: fc.integer({ min: 0, max: 1000 }),
      }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.nat(30) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const heap = new DeadlineHeap<Item>();
        const items = Array.from({ length: 31 }, (_, id): Item => ({ id, heapKey: 0, heapIndex: -1 }));
        const model = new Map<number, number>();
        for (const o of ops) {
          const item = items[o.id]!;
          if (o.kind === 'set') {
            heap.set(item, o.key);
            model.set(o.id, o.key);
          } else {
            heap.remove(item);
            model.delete(o.id);
          }
        }
        expect(heap.size).toBe(model.size);
        const popped: number[] = [];
        for (let item = heap.pop(); item !== undefined; item = heap.pop()) {
          expect(item.heapKey).toBe(model.get(item.id));
          expect(item.heapIndex).toBe(-1);
          popped.push(item.heapKey);
        }
        expect(popped).toEqual([...popped].sort((a, b) => a - b));
      }),
    );
  });
});

function fakeFlow(timeouts: {
  responseMs: number;
  eventGapMs: number;
  flowMs: number;
  queueMs?: number;
  ackMs?: number;
}): Flow {
  return {
    timeouts,
    heapKey: 0,
    heapIndex: -1,
    flowDeadline: Number.POSITIVE_INFINITY,
    stepDeadline: Number.POSITIVE_INFINITY,
    stage: 'response',
  } as unknown as Flow;
}

describe('Deadlines: one scheduler action for every flow', () => {
  it('expires each flow at its exact time, later steps pushing it back without rescheduling', () => {
    const scheduler = new VirtualTimeScheduler();
    const fired: [number, TimeoutCode, number][] = [];
    const flows: Flow[] = [];
    const deadlines = new Deadlines(scheduler, (flow, stage) =>
      fired.push([scheduler.now(), TIMEOUT_STAGES[stage].code, flows.indexOf(flow)]),
    );
    const a = fakeFlow({ responseMs: 100, eventGapMs: 1000, flowMs: 5000 });
    const b = fakeFlow({ responseMs: 300, eventGapMs: 1000, flowMs: 5000 });
    const c = fakeFlow({ responseMs: 50, eventGapMs: 200, flowMs: 450 });
    flows.push(a, b, c);
    for (const f of flows) {
      deadlines.startFlow(f);
      deadlines.step(f, 'response');
    }
    // a answers at 80: its gap deadline (1080) is later than its key (100).
    scheduler.schedule(() => deadlines.step(a, 'event_gap'), 80);
    // c answers at 40, then keeps sending events every 150 ms until its whole-flow deadline.
    for (const at of [40, 190, 340]) scheduler.schedule(() => deadlines.step(c, 'event_gap'), at);
    scheduler.flush();
    expect(fired).toEqual([
      [300, 'response_timeout', 1],
      [450, 'flow_timeout', 2],
      [1080, 'event_timeout', 0],
    ]);
    expect(deadlines.pending).toBe(0);
  });

  it('arms the one action once for flows going through their stages one after another, and still fires each deadline on time', () => {
    const scheduler = new VirtualTimeScheduler();
    let armed = 0;
    const schedule = scheduler.schedule.bind(scheduler);
    scheduler.schedule = ((work: never, delay?: number, state?: never) => {
      armed++;
      return schedule(work, delay, state);
    }) as typeof scheduler.schedule;
    const fired: [number, TimeoutCode][] = [];
    const deadlines = new Deadlines(scheduler, (_flow, stage) =>
      fired.push([scheduler.now(), TIMEOUT_STAGES[stage].code]),
    );
    const timeouts = { queueMs: 1000, responseMs: 100, eventGapMs: 1000, ackMs: 1000, flowMs: 5000 };
    const sequential = fakeFlow(timeouts);
    deadlines.startFlow(sequential);
    deadlines.step(sequential, 'response');
    deadlines.step(sequential, 'event_gap');
    deadlines.clearStep(sequential);
    deadlines.clear(sequential);
    expect(armed).toBe(1);
    // The next sale finds the action still armed (it was left to fire): nothing is scheduled again.
    const next = fakeFlow(timeouts);
    deadlines.startFlow(next);
    deadlines.step(next, 'response');
    deadlines.clear(next);
    expect(armed).toBe(1);
    // A flow that stalls is still timed out at its exact deadline.
    const stalled = fakeFlow(timeouts);
    deadlines.startFlow(stalled);
    deadlines.step(stalled, 'response');
    scheduler.flush();
    expect(fired).toEqual([[100, 'response_timeout']]);
  });

  it('forgets a cleared flow, and schedules nothing more once the action finds no flow waiting', () => {
    const scheduler = new VirtualTimeScheduler();
    const fired: TimeoutCode[] = [];
    const deadlines = new Deadlines(scheduler, (_flow, stage) => fired.push(TIMEOUT_STAGES[stage].code));
    const flow = fakeFlow({ responseMs: 100, eventGapMs: 100, flowMs: 1000 });
    deadlines.startFlow(flow);
    deadlines.step(flow, 'response');
    deadlines.clear(flow);
    expect(deadlines.pending).toBe(0);
    // Left to fire (at most the shortest timeout away), it finds nothing due and is not armed again.
    expect(scheduler.actions).toHaveLength(1);
    scheduler.flush();
    expect(fired).toEqual([]);
    expect(scheduler.now()).toBeLessThanOrEqual(100);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('drops the action at once when disposed (the session closes)', () => {
    const scheduler = new VirtualTimeScheduler();
    const deadlines = new Deadlines(scheduler, () => undefined);
    const flow = fakeFlow({ responseMs: 100, eventGapMs: 100, flowMs: 1000 });
    deadlines.startFlow(flow);
    deadlines.clear(flow);
    deadlines.dispose();
    expect(scheduler.actions).toHaveLength(0);
  });
});
