import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/node.js';

function split(chunks: readonly Buffer[], max: number): { lines: string[]; tooLarge: number[] } {
  const lines: string[] = [];
  const tooLarge: number[] = [];
  const splitter = new LineSplitter(
    max,
    (line) => lines.push(line),
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
          const expected = lines.filter((l) => Buffer.byteLength(l) <= max && l.trim() !== '');
          const oversize = lines.filter((l) => Buffer.byteLength(l) > max).map((l) => Buffer.byteLength(l));
          const got = split(cut(bytes, offsets), max);
          expect(got.lines).toEqual(expected);
          expect(got.tooLarge).toEqual(oversize);
        },
      ),
    );
  });

  it('drops one CR before LF, keeps a last line without a newline, skips blank lines', () => {
    expect(split([Buffer.from('a\r\n\n  \nb')], 10).lines).toEqual(['a', 'b']);
  });

  it('a multi-byte character split across chunks is decoded whole', () => {
    const bytes = Buffer.from('{"x":"€"}\n', 'utf8');
    expect(split(cut(bytes, [7, 8]), 100).lines).toEqual(['{"x":"€"}']);
  });
});
