/**
 * The one rule for idempotency keys, shared by the client, the bridge (and so every binding) and the fleet
 * agent: a key is journaled, looked up, put in stream records and message ids, so it must be bounded and
 * printable. Checked before anything is sent.
 */

import { CodedError } from '@bluechip-ws/protocol';
import { hasLoneSurrogate } from '@bluechip-ws/protocol/internal';

/** The longest idempotency key, in characters (UTF-16 code units, as `String.length` counts them). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

/** A control character (C0, DEL, C1): no order id has one, and they break logs and headers. */
function hasControlCharacter(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

export type IdempotencyKeyProblem = 'empty' | 'too_long' | 'control_character' | 'lone_surrogate';

/** An idempotency key the rule refuses: nothing was sent. */
export class IdempotencyKeyError extends CodedError<'invalid_idempotency_key'> {
  override readonly name = 'IdempotencyKeyError';
  constructor(
    readonly problem: IdempotencyKeyProblem,
    /** The key's length (the key itself is not repeated: it may be huge). */
    readonly length: number,
  ) {
    super('invalid_idempotency_key', describe(problem, length));
  }
}

function describe(problem: IdempotencyKeyProblem, length: number): string {
  switch (problem) {
    case 'empty':
      return 'idempotencyKey must not be empty';
    case 'too_long':
      return `idempotencyKey has ${length} characters; at most ${MAX_IDEMPOTENCY_KEY_LENGTH} are allowed`;
    case 'control_character':
      return 'idempotencyKey must not contain control characters';
    case 'lone_surrogate':
      return 'idempotencyKey must be valid Unicode (it has a lone surrogate)';
  }
}

/** What is wrong with a key, or undefined when it is acceptable. */
export function idempotencyKeyProblem(key: string): IdempotencyKeyProblem | undefined {
  if (key.length === 0) return 'empty';
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) return 'too_long';
  if (hasControlCharacter(key)) return 'control_character';
  if (hasLoneSurrogate(key)) return 'lone_surrogate';
  return undefined;
}

/** Throws `IdempotencyKeyError` unless the key follows the rule. */
export function checkIdempotencyKey(key: string): string {
  const problem = idempotencyKeyProblem(key);
  if (problem !== undefined) throw new IdempotencyKeyError(problem, key.length);
  return key;
}
