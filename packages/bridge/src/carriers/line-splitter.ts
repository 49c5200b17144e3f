/**
 * Splits a byte stream into lines (`\n`, an optional `\r` before it dropped), each at most `maxBytes`. A longer
 * line is not buffered: its bytes are skipped up to the next newline and reported once, so one oversize
 * message costs no memory and the stream carries on. Lines are handed over as bytes, undecoded: the reader
 * decodes them strictly (invalid UTF-8 is refused there, never replaced). Blank lines are skipped.
 */
export class LineSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes of the oversize line being skipped, or -1. */
  private skipping = -1;

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: Buffer) => void,
    private readonly onTooLarge: (bytes: number) => void,
  ) {}

  /** Bytes held for the line being read: never more than `maxBytes`, nothing for a line being skipped. */
  get bufferedBytes(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline < 0 ? chunk.length : newline;
      this.take(chunk.subarray(start, end));
      if (newline < 0) return;
      this.lineEnded();
      start = newline + 1;
    }
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.size > 0 || this.skipping >= 0) this.lineEnded();
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.skipping >= 0) {
      this.skipping += part.length;
      return;
    }
    if (this.size + part.length > this.maxBytes) {
      this.skipping = this.size + part.length;
      this.chunks = [];
      this.size = 0;
      return;
    }
    this.chunks.push(part);
    this.size += part.length;
  }

  private lineEnded(): void {
    if (this.skipping >= 0) {
      const bytes = this.skipping;
      this.skipping = -1;
      this.onTooLarge(bytes);
      return;
    }
    let line = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (!isBlank(line)) this.onLine(line);
  }
}

/** Only spaces, tabs and CRs (the JSON whitespace a line can hold). */
function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}
