import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { inProcess, type Message } from './support.js';

// The shared conformance vectors (bindings/vectors/*.json, format in bindings/vectors/README.md), run against
// the bridge in this process. Every binding runs the same files through its own API.
const VECTORS = fileURLToPath(new URL('../../../bindings/vectors/', import.meta.url));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Expect {
  readonly outcome?: string;
  readonly replayed?: boolean;
  readonly result?: Json;
  readonly error?: {
    readonly code: number;
    readonly dataCode?: string;
    readonly path?: string;
    readonly outcomeUnknown?: boolean;
  };
}
interface Step {
  readonly about?: string;
  readonly call?: string;
  readonly params?: Record<string, Json>;
  readonly as?: string;
  readonly wait?: boolean;
  readonly waitFor?: 'started';
  readonly of?: string;
  readonly cancel?: string;
  readonly await?: string;
  readonly expect?: Expect;
}
interface Vector {
  readonly name: string;
  readonly about: string;
  readonly open: Record<string, Json>;
  readonly journal?: boolean;
  readonly steps: readonly Step[];
  /** Summaries of the frames the simulator received: `{ message, resource? }` (README.md). */
  readonly frames: Json;
}

const files = readdirSync(VECTORS)
  .filter((name) => name.endsWith('.json'))
  .sort();

/** `expected` is contained in `actual`: objects by their listed keys, arrays element by element. */
function contains(actual: unknown, expected: Json): boolean {
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => contains(actual[index], item))
    );
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(
      ([key, value]) =>
        Object.hasOwn(actual, key) && contains((actual as Record<string, unknown>)[key], value),
    );
  }
  return Object.is(actual, expected);
}

function check(step: Step, response: Message): void {
  const want = step.expect ?? {};
  const label = JSON.stringify(step);
  if (want.error !== undefined) {
    expect(response.error, label).toBeDefined();
    const error = response.error as NonNullable<Message['error']>;
    const data = error.data ?? {};
    expect(error.code, label).toBe(want.error.code);
    if (want.error.dataCode !== undefined) expect(data.code, label).toBe(want.error.dataCode);
    if (want.error.path !== undefined) expect(data.path, label).toBe(want.error.path);
    if (want.error.outcomeUnknown !== undefined)
      expect(data.outcomeUnknown === true, label).toBe(want.error.outcomeUnknown);
    return;
  }
  expect(response.error, label).toBeUndefined();
  const result = response.result as Record<string, unknown>;
  if (want.outcome !== undefined) expect(result.kind, label).toBe(want.outcome);
  if (want.replayed !== undefined) expect(result.replayed === true, label).toBe(want.replayed);
  if (want.result !== undefined)
    expect(contains(result, want.result), `${label}\n${JSON.stringify(result)}`).toBe(true);
}

describe('conformance vectors (bindings/vectors)', () => {
  it('there are vectors', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const vector = JSON.parse(readFileSync(join(VECTORS, file), 'utf8')) as Vector;
    it(`${file}: ${vector.about}`, async () => {
      const { client } = inProcess();
      const open: Record<string, Json> = { ...vector.open };
      if (vector.journal === true) {
        const dir = mkdtempSync(join(tmpdir(), 'bluechip-vector-'));
        onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
        open.journalDir = dir;
      }
      const { terminalId } = await client.call<{ terminalId: string }>('terminal.open', open);
      const running = new Map<string, { id: number; answer: Promise<Message> }>();
      let nextId = 1000;
      for (const step of vector.steps) {
        if (step.call !== undefined) {
          const params = { terminalId, ...step.params };
          const id = ++nextId;
          const answer = client.request(step.call, params, id);
          if (step.wait === false) running.set(step.as as string, { id, answer });
          else check(step, await answer);
        } else if (step.waitFor === 'started') {
          const call = running.get(step.of as string);
          if (call === undefined) throw new Error(`no call named ${step.of}`);
          const seen = (message: Message) =>
            message.method === 'flow.progress' &&
            message.params?.requestId === call.id &&
            message.params?.type === 'started';
          if (!client.notifications.some(seen)) await client.next(seen);
        } else if (step.cancel !== undefined) {
          client.notify('$/cancelRequest', { id: running.get(step.cancel)?.id });
        } else if (step.await !== undefined) {
          const call = running.get(step.await);
          if (call === undefined) throw new Error(`no call named ${step.await}`);
          check(step, await call.answer);
        } else throw new Error(`${file}: a step of no known kind: ${JSON.stringify(step)}`);
      }
      await client.call('terminal.close', { terminalId });
      const frames = client.notifications
        .filter((message) => message.method === 'terminal.frame' && message.params?.direction === 'out')
        .map((message) => JSON.parse(String(message.params?.text)) as Record<string, unknown>)
        .map((frame) => {
          const [message] = Object.keys(frame);
          const body = frame[message as string] as Record<string, unknown> | undefined;
          return body?.resource === undefined ? { message } : { message, resource: body.resource };
        });
      expect(contains(frames, vector.frames), JSON.stringify(frames)).toBe(true);
    });
  }
});
