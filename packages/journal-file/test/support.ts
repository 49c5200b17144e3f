import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalRecord } from '@bluechip-ws/core';
import { afterEach } from 'vitest';

/** A fresh temporary directory per call, removed after the test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'journal-file-'));
    made.push(dir);
    return dir;
  };
}

export const sent = (flowId: string, idempotencyKey?: string): JournalRecord => ({
  kind: 'request_sent',
  flowId,
  at: 1_700_000_000_000,
  endpoint: '/tsi/v1/payment',
  resource: { type: 'sale', amount: 6417, note: 'café ✓' },
  ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
});

/** The records of one whole successful flow. */
export const completedFlow = (flowId: string, idempotencyKey?: string): JournalRecord[] => [
  sent(flowId, idempotencyKey),
  { kind: 'started', flowId, at: 2 },
  {
    kind: 'event',
    flowId,
    at: 3,
    status: 'completed',
    final: true,
    resource: { status: 'completed', results: [{ status: 'approved' }] },
  },
  { kind: 'ack_sent', flowId, at: 4, status: 'ok' },
  { kind: 'flow_ended', flowId, at: 5, outcome: 'completed' },
];
