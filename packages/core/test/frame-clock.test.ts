import { describe, expect, it } from 'vitest';
import { FrameClock } from '../src/session/frame-clock.js';

describe('FrameClock', () => {
  const counting = () => {
    let reads = 0;
    return { clock: new FrameClock(() => ++reads), reads: () => reads };
  };

  it('reads the source once per frame, and on every read outside one', () => {
    const { clock, reads } = counting();
    clock.begin();
    expect([clock.now(), clock.now()]).toEqual([1, 1]);
    clock.end();
    expect([clock.now(), clock.now()]).toEqual([2, 3]);
    expect(reads()).toBe(3);
  });

  it('a span shares one read like a frame, and inside a frame shares the frame’s', () => {
    const { clock, reads } = counting();
    expect(clock.span()).toBe(true);
    expect([clock.now(), clock.now()]).toEqual([1, 1]);
    clock.end();
    clock.begin();
    expect(clock.now()).toBe(2);
    // Opened inside a frame: not its own span, and the caller must not end the frame.
    expect(clock.span()).toBe(false);
    expect(clock.now()).toBe(2);
    clock.end();
    expect(reads()).toBe(2);
  });
});
