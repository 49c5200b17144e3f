/**
 * The simulator's console output, bounded. Node queues whatever a slow or absent reader of a pipe has not
 * taken yet, so printing every frame in full made the simulator's memory follow its frame log (200 frames of
 * 512 KB grew it from 66 MB to 900 MB). Here long lines are cut, and while the sink's queue is over its bound
 * lines are dropped, counted, and the count is printed once the reader catches up.
 */

/** Where lines go: a Node stream (`process.stdout`) or anything with `write`. */
export interface LogSink {
  write(text: string): unknown;
  /** Bytes queued and not yet taken by the reader (Node streams); absent means "never backlogged". */
  readonly writableLength?: number;
}

export interface BoundedLogOptions {
  /** Longest line printed, in characters; the rest is replaced by a count (default 2,048). */
  readonly maxLineChars?: number;
  /** Bytes the sink may hold queued before lines are dropped (default 1 MiB). */
  readonly maxQueuedBytes?: number;
}

export const DEFAULT_MAX_LINE_CHARS = 2_048;
export const DEFAULT_MAX_QUEUED_BYTES = 1 << 20;

export class BoundedLog {
  private dropped = 0;
  private readonly maxLineChars: number;
  private readonly maxQueuedBytes: number;

  constructor(
    private readonly sink: LogSink,
    options: BoundedLogOptions = {},
  ) {
    this.maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  }

  /** Lines dropped since the last notice. */
  get droppedLines(): number {
    return this.dropped;
  }

  /** Prints one line (without its newline), cut to the bound, or counts it if the reader is behind. */
  line(text: string): void {
    if ((this.sink.writableLength ?? 0) > this.maxQueuedBytes) {
      this.dropped++;
      return;
    }
    this.noticeDropped();
    this.sink.write(`${truncateLine(text, this.maxLineChars)}\n`);
  }

  /** Says how many lines were dropped, if any (call before exiting). */
  flush(): void {
    this.noticeDropped();
  }

  private noticeDropped(): void {
    if (this.dropped === 0) return;
    const count = this.dropped;
    this.dropped = 0;
    this.sink.write(
      `… ${count} log line${count === 1 ? '' : 's'} dropped: the reader of this output fell behind\n`,
    );
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The first `max` characters of a line and how many more there were. The kept part is copied: V8's `slice`
 * makes a view that keeps the whole original alive, so a queued 2 KB line would still hold its 512 KB frame.
 */
export function truncateLine(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = decoder.decode(encoder.encode(text.slice(0, max)));
  return `${kept}… (+${text.length - max} chars)`;
}
