/** A journal that keeps nothing: separates the session's own cost and memory from the journal's. */
export const nullJournal = {
  append() {},
  openFlows: async () => [],
  flow: async () => undefined,
  byIdempotencyKey: async () => undefined,
  close: async () => {},
};
