import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Portable } from '../src/crc32.js';
import { encodeFrame, scanFrames } from '../src/frame.js';
import { crc32 } from '../src/internal.js';

const scan = (bytes: Uint8Array) => {
  const frames: string[] = [];
  const result = scanFrames(bytes, (json) => frames.push(json));
  return { frames, ...result };
};

describe('crc32', () => {
  it('matches the standard check value, and the portable loop matches zlib on any range', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Portable(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Portable(new Uint8Array())).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = a % (bytes.length + 1);
        const end = start + (b % (bytes.length - start + 1));
        expect(crc32Portable(bytes)).toBe(zlib.crc32(bytes));
        expect(crc32(bytes, start, end)).toBe(crc32Portable(bytes, start, end));
      }),
    );
  });
});

describe('frames', () => {
  it('round-trips any JSON value, unicode and newlines in strings included', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), (values) => {
        const bytes = Buffer.concat(values.map((v) => encodeFrame({ v })));
        const { frames, bad, goodEnd } = scan(bytes);
        expect(bad).toEqual([]);
        expect(goodEnd).toBe(bytes.length);
        expect(frames.map((f) => JSON.parse(f).v)).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
      }),
    );
  });

  it('writes the documented layout', () => {
    expect(encodeFrame({ a: 'é' }).toString('utf8')).toBe(
      `10\t${crc32(Buffer.from('{"a":"é"}')).toString(16).padStart(8, '0')}\t{"a":"é"}\n`,
    );
  });

  it('refuses a payload with no JSON form', () => {
    expect(() => encodeFrame(undefined)).toThrow(TypeError);
  });

  it('keeps the frame after one whose terminator was damaged', () => {
    const first = encodeFrame({ n: 1 });
    first[first.length - 1] = 0x20;
    const bytes = Buffer.concat([first, encodeFrame({ n: 2 })]);
    const { frames, bad } = scan(bytes);
    expect(frames).toEqual(['{"n":2}']);
    expect(bad).toEqual([{ offset: 0, end: first.length, reason: 'damaged terminator' }]);
  });

  it('treats any prefix of a frame as a damaged tail', () => {
    const whole = Buffer.concat([encodeFrame({ n: 1 }), encodeFrame({ n: 2, text: 'x'.repeat(20) })]);
    const firstEnd = encodeFrame({ n: 1 }).length;
    for (let cut = firstEnd; cut < whole.length; cut++) {
      const { frames, goodEnd } = scan(whole.subarray(0, cut));
      expect(frames).toEqual(['{"n":1}']);
      expect(goodEnd).toBe(firstEnd);
    }
  });
});
