import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventState, markAcked } from '../src/session/event-state.js';
import { SAME_LENGTH_COMPARED, SeenEvents } from '../src/session/seen-events.js';

const state = (text: string, final = false) =>
  eventState(text, undefined, final ? 'completed' : 'proceed', final);

/** `count` different texts of one length that differ only in their last characters. */
function sameLength(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `{"event":${'x'.repeat(600)}${String(i).padStart(4, '0')}}`);
}

describe('SeenEvents: resends matched exactly, keyed by the text length', () => {
  it('finds an event only by its exact text, also when rebuilt from other pieces', () => {
    const text = JSON.stringify({ event: { flow_id: '1', resource: { status: 'proceed', seq: 1 } } });
    const seen = new SeenEvents();
    const first = state(text);
    seen.add(first);
    expect(seen.find(`${text.slice(0, 10)}${text.slice(10)}`)).toBe(first);
    expect(seen.find(text.replace('1', '2'))).toBeUndefined();
    expect(seen.find(`${text} `)).toBeUndefined();
  });

  it('tells apart many texts of one length, past the compared ones too, and forgets them one by one', () => {
    const texts = sameLength(SAME_LENGTH_COMPARED * 2 + 3);
    const seen = new SeenEvents();
    const states = texts.map((text) => {
      expect(seen.find(text)).toBeUndefined();
      const s = state(text);
      seen.add(s);
      return s;
    });
    expect(seen.size).toBe(texts.length);
    expect(texts.map((text) => seen.find(text))).toEqual(states);
    // Forget every other one (compared and text-keyed alike): the rest are still found, the forgotten not.
    texts.forEach((text, i) => {
      if (i % 2 === 0) seen.forget(text);
    });
    expect(texts.map((text) => seen.find(text))).toEqual(states.map((s, i) => (i % 2 === 0 ? undefined : s)));
    expect(seen.size).toBe(Math.floor(texts.length / 2));
    // A forgotten one comes back as a new event.
    const again = state(texts[0] as string);
    seen.add(again);
    expect(seen.find(texts[0] as string)).toBe(again);
    for (const text of texts) seen.forget(text);
    expect(seen.size).toBe(0);
    for (const text of texts) expect(seen.find(text)).toBeUndefined();
  });

  it('a finished flow keeps its finals, of one length or not, and the bound still holds', () => {
    const [a, b] = sameLength(2) as [string, string];
    const seen = new SeenEvents({ maxEntries: 4, maxChars: 1 << 20 });
    const finalA = state(a, true);
    seen.add(finalA);
    seen.pin(finalA);
    seen.add(state(b, true));
    for (let i = 0; i < 10; i++) {
      const s = state(`{"event":{"seq":${i}}}`);
      seen.add(s);
      markAcked(s);
    }
    expect(seen.size).toBeLessThanOrEqual(4);
    expect(seen.find(a)).toBe(finalA);
    seen.keepFinals();
    expect(seen.find(a)).toBe(finalA);
    expect(seen.find('{"event":{"seq":9}}')).toBeUndefined();
  });

  it('the character bound forgets acked events first and never the pinned final', () => {
    const seen = new SeenEvents({ maxEntries: 1000, maxChars: 2000 });
    const pinned = state(`{"final":${'f'.repeat(900)}}`, true);
    seen.add(pinned);
    seen.pin(pinned);
    const unacked = state(`{"held":${'h'.repeat(500)}}`);
    seen.add(unacked);
    for (let i = 0; i < 20; i++) {
      const s = state(`{"acked":${String(i).padStart(300, '0')}}`);
      seen.add(s);
      markAcked(s);
    }
    expect(seen.find(pinned.text)).toBe(pinned);
    expect(seen.find(unacked.text)).toBe(unacked);
    expect(seen.first).toBe(pinned);
  });
  it('agrees with a text-keyed map over any adds and forgets, across lengths and the compared bound', () => {
    // Few lengths and many texts per length, so the first-length list, the per-length map, the compared
    // bound and the text-keyed overflow all take part, and lengths empty out and come back.
    const text = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: SAME_LENGTH_COMPARED + 6 }))
      .map(([length, n]) => `${'x'.repeat(length * 10)}${String(n).padStart(3, '0')}`);
    const op = fc.oneof(
      text.map((t) => ({ kind: 'add' as const, text: t })),
      text.map((t) => ({ kind: 'forget' as const, text: t })),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const seen = new SeenEvents();
        const model = new Map<string, ReturnType<typeof state>>();
        for (const { kind, text: t } of ops) {
          if (kind === 'add') {
            if (seen.find(t) !== undefined) continue; // the session adds only what find did not find
            const s = state(t);
            seen.add(s);
            model.set(t, s);
          } else {
            seen.forget(t);
            model.delete(t);
          }
          expect(seen.size).toBe(model.size);
        }
        for (const { text: t } of ops) expect(seen.find(t)).toBe(model.get(t));
        seen.clear();
        for (const { text: t } of ops) expect(seen.find(t)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
