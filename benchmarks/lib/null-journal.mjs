/** A journal that keeps nothing: separates the session's own cost and memory from the journal's. */
export const nullJournal = {
  append() {},
  has: () => false,
  openFlows: async () => [],
  flow: async () => undefined,
  byIdempotencyKey: async () => undefined,
  close: async () => {},
};
