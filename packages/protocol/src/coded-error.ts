/**
 * The base of every typed error of the library: a stable machine-readable `code` (what bindings and the bridge
 * map to their own codes), a message for people, and the underlying `cause` kept. Each package's errors extend
 * it with their own code union and fields.
 */
export class CodedError<C extends string = string> extends Error {
  override readonly name: string = 'CodedError';
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
