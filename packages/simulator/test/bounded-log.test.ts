import { describe, expect, it } from 'vitest';
import { BoundedLog, truncateLine } from '../src/internal.js';

/** A sink whose reader takes nothing until told to: its queue grows like a piped stdout's. */
class StalledSink {
  readonly lines: string[] = [];
  writableLength = 0;
  write(text: string): boolean {
    this.lines.push(text);
    this.writableLength += Buffer.byteLength(text);
    return true;
  }
  drain(): void {
    this.writableLength = 0;
  }
}

describe('the simulator log is bounded (defect 6)', () => {
  it('cuts long frames and says how much was left out', () => {
    const sink = new StalledSink();
    const log = new BoundedLog(sink, { maxLineChars: 16 });
    log.line('x'.repeat(512 * 1024));
    expect(sink.lines).toEqual([`${'x'.repeat(16)}… (+${512 * 1024 - 16} chars)\n`]);
    expect(truncateLine('short', 16)).toBe('short');
  });

  it('drops and counts lines while the reader is behind, then says so once it caught up', () => {
    const sink = new StalledSink();
    const log = new BoundedLog(sink, { maxLineChars: 1_000, maxQueuedBytes: 10_000 });
    for (let i = 0; i < 200; i++) log.line('y'.repeat(1_000));
    // What was queued stays within the bound plus one line: memory does not follow the frame log.
    expect(sink.writableLength).toBeLessThanOrEqual(10_000 + 1_001);
    expect(sink.lines.length).toBe(10);
    expect(log.droppedLines).toBe(190);
    sink.drain();
    log.line('after');
    expect(sink.lines.slice(-2)).toEqual([
      '… 190 log lines dropped: the reader of this output fell behind\n',
      'after\n',
    ]);
    expect(log.droppedLines).toBe(0);
  });

  it('reports drops still pending when flushed at exit', () => {
    const sink = new StalledSink();
    const log = new BoundedLog(sink, { maxQueuedBytes: 0 });
    log.line('a');
    log.line('b');
    sink.drain();
    log.flush();
    expect(sink.lines).toEqual(['a\n', '… 1 log line dropped: the reader of this output fell behind\n']);
  });

  it('a sink without a queue (a test buffer) gets every line', () => {
    const lines: string[] = [];
    const log = new BoundedLog({ write: (text: string) => lines.push(text) });
    for (let i = 0; i < 100; i++) log.line(String(i));
    expect(lines).toHaveLength(100);
  });
});
