import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventState, markAcked, markPinned } from '../src/session/event-state.js';
import { Orphan, type OrphanContext } from '../src/session/orphan.js';
import { RememberedFlows } from '../src/session/remembered-flows.js';
import { SeenEvents } from '../src/session/seen-events.js';
import { TextPages } from '../src/text-pages.js';

function context(): OrphanContext {
  return {
    recorder: {} as OrphanContext['recorder'],
    unclaimed: {} as OrphanContext['unclaimed'],
    texts: new TextPages(4096),
    newSeenEvents: () => new SeenEvents(),
  };
}

const frame = (id: string, n: number) =>
  `{"event":{"flow_id":"${id}","resource":{"status":"completed","n":${n},"name":"Zoë 🎉"}}}`;

/** A finished flow's one final, acked and pinned, as `FlowTable.finish` hands it over. */
function finalState(text: string) {
  const state = eventState(text, undefined, 'completed', true);
  markAcked(state);
  markPinned(state);
  return state;
}

type Op =
  | { readonly op: 'finished'; readonly id: number; readonly withFinal: boolean }
  | { readonly op: 'orphan'; readonly id: number }
  | { readonly op: 'get'; readonly id: number };

describe('RememberedFlows', () => {
  it('remembers the newest `limit` flows, oldest forgotten first, and gives back what each kept', () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('finished' as const), id: fc.nat(30), withFinal: fc.boolean() }),
      fc.record({ op: fc.constant('orphan' as const), id: fc.nat(30) }),
      fc.record({ op: fc.constant('get' as const), id: fc.nat(30) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.array(op, { maxLength: 300 }), (limit, ops) => {
        const flows = new RememberedFlows(limit, context());
        // The model: ids oldest first, each with its final text (if any) and request.
        const model: { id: string; final: string | undefined; request: object }[] = [];
        let n = 0;
        for (const step of ops) {
          const id = String(step.id);
          if (step.op === 'get') {
            const orphan = flows.get(id);
            const kept = model.find((m) => m.id === id);
            expect(orphan?.id).toBe(kept?.id);
            if (kept !== undefined && orphan !== undefined) {
              expect(orphan.request).toBe(kept.request);
              expect(orphan.seen.first?.text).toBe(kept.final);
              if (kept.final !== undefined) expect(orphan.seen.find(kept.final)?.acked).toBe(true);
            }
            continue;
          }
          const request = { n: n++ };
          const final = step.op === 'finished' && step.withFinal ? frame(id, n) : undefined;
          if (step.op === 'finished') {
            const first = final === undefined ? undefined : finalState(final);
            expect(flows.rememberFinished(id, 'timed_out', request, first)).toBe(true);
          } else {
            flows.remember(
              new Orphan(context(), {
                id,
                reason: 'unknown_flow',
                request,
                seen: undefined,
                final: undefined,
                lookedUp: false,
              }),
            );
          }
          const at = model.findIndex((m) => m.id === id);
          if (at >= 0) model.splice(at, 1);
          if (limit > 0) model.push({ id, final, request });
          if (model.length > limit) model.shift();
          expect(flows.size).toBe(model.length);
          expect(flows.seenCount()).toBeLessThanOrEqual(model.length);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('lets go of the bytes of every flow it forgets: 20 000 finished flows with 16 remembered fit in a few pages', () => {
    const ctx = context();
    const flows = new RememberedFlows(16, ctx);
    for (let n = 0; n < 20_000; n++) {
      const id = String(1_000_000 + n);
      flows.rememberFinished(id, 'unsubscribed', undefined, finalState(frame(id, n)));
      // Some are looked at (made orphans, their bytes theirs), as a late frame would.
      if (n % 10 === 0) expect(flows.get(id)?.final).toMatchObject({ status: 'completed', n });
    }
    expect(ctx.texts.made).toBeLessThanOrEqual(4);
    expect(flows.get('1019999')?.seen.first?.text).toBe(frame('1019999', 19_999));
  });

  it('keeps a final that was not acked, or held copies, as an orphan with its events (not as bytes)', () => {
    const flows = new RememberedFlows(4, context());
    const held = eventState(frame('1', 1), undefined, 'completed', true);
    expect(flows.rememberFinished('1', 'timed_out', undefined, held)).toBe(false);
    expect(flows.size).toBe(0);
  });
});
