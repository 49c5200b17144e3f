import { describe, expect, it } from 'vitest';
import { createFlowIdGenerator, flowIdMatches, uuidFlowId } from '../src/index.js';

describe('flow ids', () => {
  it('defaults to 6-digit numeric strings with a non-zero first digit, like Ingenico tools', () => {
    const next = createFlowIdGenerator();
    for (let i = 0; i < 500; i++) expect(next()).toMatch(/^[1-9]\d{5}$/);
  });

  it('never repeats within the window, even with a poor random source', () => {
    let state = 0;
    const random = () => {
      state = (state + 0.37) % 1; // cycles through few values
      return Math.floor(state * 20) / 20;
    };
    const next = createFlowIdGenerator({
      digits: 2,
      window: 10,
      random: () => (random() + Math.random()) / 2,
    });
    const seen: string[] = [];
    for (let i = 0; i < 200; i++) {
      const id = next();
      expect(seen.slice(-10)).not.toContain(id);
      seen.push(id);
    }
  });

  it('supports other lengths and plugging a UUID generator', () => {
    expect(createFlowIdGenerator({ digits: 10 })()).toMatch(/^[1-9]\d{9}$/);
    expect(uuidFlowId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => createFlowIdGenerator({ digits: 1 })).toThrow(RangeError);
  });

  it('fails loudly instead of looping when the random source is constant', () => {
    const next = createFlowIdGenerator({ random: () => 0.5 });
    next();
    expect(() => next()).toThrow(/not random/);
  });

  it('matches exact ids, and suffixes only when asked', () => {
    expect(flowIdMatches('277554', '277554')).toBe(true);
    expect(flowIdMatches('277554', '99277554')).toBe(false);
    expect(flowIdMatches('277554', '99277554', { suffixMatch: true })).toBe(true);
    expect(flowIdMatches('277554', '77554', { suffixMatch: true })).toBe(false);
  });
});
