import { CodedError } from '@bluechip-ws/protocol';
import { renderUntrusted } from '@bluechip-ws/protocol/internal';
/**
 * The fleet's subject layout. Requests live under `bluechip.<site>.<terminal>.<method>`; everything the agent
 * publishes lives under `bluechip-events.<site>.<terminal>.…`, a separate root so that an agent's request
 * subscription (`bluechip.<site>.<terminal>.>`) never receives its own publications. Both roots carry the
 * site as their second token, so a site's credentials can be limited to `*.<site>.>` of the two roots.
 */

export const REQUEST_ROOT = 'bluechip';
export const EVENTS_ROOT = 'bluechip-events';
export const DEFAULT_STREAM = 'BLUECHIP_OUTCOMES';

/** Site and terminal ids become subject tokens: no dots, spaces or wildcards. */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export class SubjectError extends CodedError<'invalid_subject'> {
  override readonly name = 'SubjectError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_subject', message, options);
  }
}

export function checkToken(value: string, what: string): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    // The value may be anything a caller passed: shown bounded.
    throw new SubjectError(
      `${what} must be 1 to 64 characters of A-Z a-z 0-9 _ -, got ${renderUntrusted(value, { maxChars: 80 })}`,
    );
  }
  return value;
}

export function requestSubject(site: string, terminal: string, method: string): string {
  return `${REQUEST_ROOT}.${site}.${terminal}.${method}`;
}

/** What one agent subscribes to for one terminal (in its site's queue group). */
export function requestWildcard(site: string, terminal: string): string {
  return `${REQUEST_ROOT}.${site}.${terminal}.>`;
}

/** The method a request subject names (method names may contain dots: `terminal.status`). */
export function methodOf(subject: string, site: string, terminal: string): string {
  return subject.slice(`${REQUEST_ROOT}.${site}.${terminal}.`.length);
}

export function queueGroup(site: string): string {
  return `${REQUEST_ROOT}.${site}`;
}

/** Progress of one flow (`started`, `proceed`). */
export async function progressSubject(site: string, terminal: string, flowId: string): Promise<string> {
  return `${EVENTS_ROOT}.${site}.${terminal}.flow.${await boundedToken(flowId)}`;
}

export function progressWildcard(site: string, terminal: string): string {
  return `${EVENTS_ROOT}.${site}.${terminal}.flow.*`;
}

/** Terminal-wide notifications: `state`, `diagnostic`, `reconciled`, `unclaimed`. */
export function terminalEventSubject(site: string, terminal: string, kind: string): string {
  return `${EVENTS_ROOT}.${site}.${terminal}.${kind}`;
}

/** How a stored outcome is found again: by the caller's idempotency key, else by flow id. */
export type OutcomeKey = { readonly idempotencyKey: string } | { readonly flowId: string };

/**
 * The stream subject of one outcome. The key is part of the subject (a bounded token, see `boundedToken`),
 * which makes "the outcome of key K" one `last_by_subj` lookup instead of a scan.
 */
export async function outcomeSubject(site: string, terminal: string, key: OutcomeKey): Promise<string> {
  const tail =
    'idempotencyKey' in key
      ? `k.${await boundedToken(key.idempotencyKey)}`
      : `f.${await boundedToken(key.flowId)}`;
  return `${EVENTS_ROOT}.${site}.${terminal}.outcome.${tail}`;
}

/** The stream's subjects: every site's outcomes. */
export function outcomeStreamSubjects(): string[] {
  return [`${EVENTS_ROOT}.*.*.outcome.>`];
}

/**
 * `Nats-Msg-Id`: the stream drops a second publication with the same id (within its duplicate window). The
 * key or flow id as it is when its token is plain; hashed (`kh/`, `fh/`) when it is long, so a header never
 * carries unbounded caller text either.
 */
export async function outcomeMsgId(site: string, terminal: string, key: OutcomeKey): Promise<string> {
  const [kind, value] = 'idempotencyKey' in key ? ['k', key.idempotencyKey] : ['f', key.flowId];
  const token = await boundedToken(value);
  return token.startsWith('=')
    ? `${site}/${terminal}/${kind}h/${token.slice(1)}`
    : `${site}/${terminal}/${kind}/${value}`;
}

/** base64url of the UTF-8 bytes: subject-safe for any string (no dots, spaces or wildcards). */
export function encodeToken(value: string): string {
  return base64url(new TextEncoder().encode(value));
}

/**
 * The longest token `boundedToken` writes as the value's own base64url (96 bytes of UTF-8); a longer value is
 * hashed. NATS refuses a control line over 4 KB (and closes the connection), so a subject must never grow
 * with caller text.
 */
export const MAX_PLAIN_TOKEN = 128;

/**
 * A subject token for caller text (an idempotency key, a flow id): its base64url when that is at most
 * `MAX_PLAIN_TOKEN` characters, else `=` and the base64url of its SHA-256 (44 characters). `=` never occurs
 * in the unpadded base64url form, so a hashed token cannot equal a plain one.
 */
export async function boundedToken(value: string): Promise<string> {
  const bytes = new TextEncoder().encode(value);
  if (Math.ceil((bytes.length * 4) / 3) <= MAX_PLAIN_TOKEN) return base64url(bytes);
  // WebCrypto: in Node (>= 20) and in browsers alike, so the main entry stays free of node: modules.
  return `=${base64url(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes)))}`;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
