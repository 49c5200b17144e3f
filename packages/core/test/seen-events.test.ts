import { describe, expect, it } from 'vitest';
import { eventState } from '../src/session/event-state.js';
import { frameDigest, SeenEvents } from '../src/session/seen-events.js';

const state = (text: string, final = false) =>
  eventState(text, undefined, final ? 'completed' : 'proceed', final);

/** Two different texts of one length that differ only where the digest does not look. */
function collidingPair(): [string, string] {
  const base = `{"event":${'x'.repeat(120)}${'a'.repeat(1000)}}`;
  for (let at = 130; at < base.length - 1; at++) {
    const other = `${base.slice(0, at)}b${base.slice(at + 1)}`;
    if (frameDigest(other) === frameDigest(base)) return [base, other];
  }
  throw new Error('no unsampled position found');
}

describe('SeenEvents: resends matched exactly, keyed by a digest', () => {
  it('equal texts have equal digests; the digest is a small integer', () => {
    const text = JSON.stringify({ event: { flow_id: '1', resource: { status: 'proceed', seq: 1 } } });
    expect(frameDigest(text)).toBe(frameDigest(`${text.slice(0, 10)}${text.slice(10)}`));
    expect(Number.isInteger(frameDigest(text)) && frameDigest(text) >= 0 && frameDigest(text) < 2 ** 30).toBe(
      true,
    );
  });

  it('two different texts with one digest are both remembered and told apart', () => {
    const [a, b] = collidingPair();
    expect(a).not.toBe(b);
    const seen = new SeenEvents();
    const first = state(a);
    seen.add(first);
    expect(seen.find(b)).toBeUndefined();
    const second = state(b);
    seen.add(second);
    expect(seen.size).toBe(2);
    expect(seen.find(a)).toBe(first);
    expect(seen.find(b)).toBe(second);
    seen.forget(a);
    expect(seen.find(a)).toBeUndefined();
    expect(seen.find(b)).toBe(second);
    // The freed digest slot takes the next text with that digest; the collided one is still found.
    const again = state(a);
    seen.add(again);
    expect(seen.find(a)).toBe(again);
    expect(seen.find(b)).toBe(second);
    seen.forget(b);
    expect(seen.find(b)).toBeUndefined();
    expect(seen.size).toBe(1);
  });

  it('a finished flow keeps its finals, colliding or not, and the bound still holds', () => {
    const [a, b] = collidingPair();
    const seen = new SeenEvents({ maxEntries: 4, maxChars: 1 << 20 });
    const finalA = state(a, true);
    seen.add(finalA);
    seen.pin(finalA);
    seen.add(state(b, true));
    for (let i = 0; i < 10; i++) seen.add(state(`{"event":{"seq":${i}}}`));
    expect(seen.size).toBeLessThanOrEqual(4);
    expect(seen.find(a)).toBe(finalA);
    seen.keepFinals();
    expect(seen.find(a)).toBe(finalA);
    expect(seen.find('{"event":{"seq":9}}')).toBeUndefined();
  });
});
