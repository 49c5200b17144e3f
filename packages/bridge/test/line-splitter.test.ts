import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/node.js';

function split(chunks: readonly Buffer[], max: number): { lines: string[]; tooLarge: number[] } {
  const lines: string[] = [];
  const tooLarge: number[] = [];
  const splitter = new LineSplitter(
    max,
    (line) => lines.push(line.toString('utf8')),
    (bytes) => tooLarge.push(bytes),
  );
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return { lines, tooLarge };
}

/** Cuts `bytes` at the given offsets. */
function cut(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

describe('LineSplitter', () => {
  it('gives the same lines however the stream is chunked; oversize lines are reported, not kept', () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (lines, offsets) => {
          const max = 60;
          const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
          // Blank means JSON whitespace only (space, tab, CR): a line of other Unicode spaces goes on to the parser.
          const expected = lines.filter((l) => Buffer.byteLength(l) <= max && !/^[ \t\r]*$/.test(l));
          const oversize = lines.filter((l) => Buffer.byteLength(l) > max).map((l) => Buffer.byteLength(l));
          const got = split(cut(bytes, offsets), max);
          expect(got.lines).toEqual(expected);
          expect(got.tooLarge).toEqual(oversize);
        },
      ),
      { seed: 24, numRuns: 200 },
    );
  });

  it('holds at most maxBytes whatever arrives, and nothing once a line has ended', () => {
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 0, max: 5000 }).map((n) => new Uint8Array(n).fill(0x78)),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 20 }), (chunks) => {
        const max = 100;
        const splitter = new LineSplitter(
          max,
          () => undefined,
          () => undefined,
        );
        for (const bytes of chunks) {
          splitter.push(Buffer.from(bytes));
          expect(splitter.bufferedBytes).toBeLessThanOrEqual(max);
        }
        splitter.push(Buffer.from('\n'));
        expect(splitter.bufferedBytes).toBe(0);
      }),
      { seed: 24, numRuns: 200 },
    );
  });

  it('drops one CR before LF, keeps a last line without a newline, skips blank lines', () => {
    expect(split([Buffer.from('a\r\n\n  \nb')], 10).lines).toEqual(['a', 'b']);
  });

  it('a multi-byte character split across chunks is decoded whole', () => {
    const bytes = Buffer.from('{"x":"€"}\n', 'utf8');
    expect(split(cut(bytes, [7, 8]), 100).lines).toEqual(['{"x":"€"}']);
  });

  it('hands lines over as the bytes received: invalid UTF-8 is left for the strict decoder, never replaced', () => {
    const got: Buffer[] = [];
    const splitter = new LineSplitter(
      100,
      (line) => got.push(Buffer.from(line)),
      () => undefined,
    );
    splitter.push(Buffer.from([0x4d, 0xfc, 0x6c, 0x0a, 0x4d, 0xc3]));
    splitter.push(Buffer.from([0xa4, 0x6c, 0x0a]));
    expect(got.map((line) => [...line])).toEqual([
      [0x4d, 0xfc, 0x6c],
      [0x4d, 0xc3, 0xa4, 0x6c],
    ]);
  });
});
