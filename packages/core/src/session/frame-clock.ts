/**
 * A session's clock, read at most once per incoming frame: the journal records and the deadlines a frame
 * causes (its event, its ack, the next stage's deadline) all carry the time of that one read; so do a new
 * flow's request record and first deadlines (`span`). Otherwise (a timer firing, a consumer's later ack)
 * every read goes to the source.
 */
export class FrameClock {
  private inFrame = false;
  private read = false;
  private at = 0;

  constructor(private readonly source: () => number) {}

  /** A frame is being handled: the next read is kept until `end`. */
  begin(): void {
    this.inFrame = true;
    this.read = false;
  }

  /**
   * Starts a span that shares one read, like a frame, unless a frame or span is open already (its read is
   * shared then). Returns whether this call opened it: only then does the caller `end` it.
   */
  span(): boolean {
    if (this.inFrame) return false;
    this.begin();
    return true;
  }

  end(): void {
    this.inFrame = false;
  }

  now(): number {
    if (!this.inFrame) return this.source();
    if (!this.read) {
      this.at = this.source();
      this.read = true;
    }
    return this.at;
  }
}
