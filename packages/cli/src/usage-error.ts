/** A command line that cannot be run: exit 1 with a one-line message, nothing sent. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'usage';
}
