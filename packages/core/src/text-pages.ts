/**
 * Off-heap storage for frame texts kept long after they arrived: the final frames of settled flows (the
 * journal's index keeps 10 000) and of finished ones (the session remembers 1 024). Kept as strings they were
 * most of what a sale left in the JavaScript heap: each ~600-byte text outlived the young generation, was
 * promoted, and its bytes set the pace of major garbage collections. Here they are UTF-8 bytes in 64 KiB
 * pages; a holder keeps the page, the page's generation and where its text is, and decodes it on the rare
 * read. Pages are recycled, not left to the collector: a fresh ArrayBuffer every hundred sales cost as much
 * as the strings did (external memory also paces major collections). Measured in docs/benchmarks.md.
 *
 * Each page counts the texts on it that holders still keep; a holder releases a text when it lets go of it
 * (evicted, replaced, read back for good), and a page whose count drops to zero is reused. Both holders evict
 * oldest first, so pages empty in the order they were filled. A page's generation changes when it is reused:
 * a read or release that names an old generation is a holder's bug, refused loudly (`read` throws) rather than
 * answered with another flow's bytes.
 */
export class TextPage {
  /** Bytes written so far. */
  used = 0;
  /** Texts on this page that holders keep. */
  live = 0;
  /** Changes each time the page is reused. */
  generation = 0;
  constructor(readonly bytes: Uint8Array) {}

  /** The text at `at`, `length` bytes long, written in `generation`. */
  read(generation: number, at: number, length: number): string {
    if (generation !== this.generation) {
      throw new Error(`text page reused under a holder (generation ${generation}, now ${this.generation})`);
    }
    return decoder.decode(this.bytes.subarray(at, at + length));
  }
}

export const TEXT_PAGE_BYTES = 1 << 16;
/** Emptied pages kept for reuse beyond the current one (more are left to the collector). */
const SPARE_PAGES = 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The pages of one holder. `put` writes into the current page (a text that may not fit moves on to a spare
 * or new page; one larger than a quarter page gets a page of its own, never reused) and leaves where it
 * wrote in `page`, `generation`, `at` and `length`, so that a holder with columns stores four values and
 * allocates nothing.
 */
export class TextPages {
  /** Where the last successful `put` wrote. */
  page: TextPage | undefined;
  generation = 0;
  at = 0;
  length = 0;
  /** Pages made so far (for tests: what recycling saves shows here). */
  made = 1;
  private current: TextPage;
  private readonly spare: TextPage[] = [];

  constructor(private readonly pageBytes: number = TEXT_PAGE_BYTES) {
    this.current = new TextPage(new Uint8Array(pageBytes));
  }

  /** Pages emptied and waiting for reuse (for tests). */
  get spares(): number {
    return this.spare.length;
  }

  /**
   * Writes `text`; false when it cannot be kept as bytes exactly (a lone surrogate, which UTF-8 cannot
   * carry: a frame from a WebSocket never has one, a test transport might): the holder keeps the string.
   */
  put(text: string): boolean {
    if (!wellFormed(text)) return false;
    // At most three bytes of UTF-8 per UTF-16 code unit.
    const most = text.length * 3;
    let page = this.current;
    if (page.used + most > page.bytes.length) {
      if (most > this.pageBytes >> 2) page = this.newPage(most);
      else {
        page = this.spare.pop() ?? this.newPage(this.pageBytes);
        const full = this.current;
        this.current = page;
        // A page everyone let go of while it was being filled is spare as soon as it is full.
        if (full.live === 0) this.recycle(full);
      }
    }
    const { written } = encoder.encodeInto(text, page.bytes.subarray(page.used));
    this.page = page;
    this.generation = page.generation;
    this.at = page.used;
    this.length = written;
    page.used += written;
    page.live++;
    return true;
  }

  /** A holder lets go of a text it was given by `put` (a stale generation is ignored: already let go). */
  release(page: TextPage, generation: number): void {
    if (generation !== page.generation || page.live === 0) return;
    page.live--;
    if (page.live === 0 && page !== this.current) this.recycle(page);
  }

  private newPage(bytes: number): TextPage {
    this.made++;
    return new TextPage(new Uint8Array(bytes));
  }

  private recycle(page: TextPage): void {
    page.generation++;
    page.used = 0;
    // A page of its own (a large text) is not kept: spares are of the usual size.
    if (page.bytes.length === this.pageBytes && this.spare.length < SPARE_PAGES) this.spare.push(page);
  }
}

type MaybeWellFormed = { isWellFormed?: () => boolean };

/**
 * Whether `text` surely has no lone surrogate (String.prototype.isWellFormed: ES2024, in Node 20 and in
 * browsers since 2023; where it is missing, texts stay strings).
 */
function wellFormed(text: string): boolean {
  const check = (text as unknown as MaybeWellFormed).isWellFormed;
  return check?.call(text) === true;
}
