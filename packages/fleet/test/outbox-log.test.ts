import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxLog } from '../src/outbox-log.js';
import type { OutcomeRecord } from '../src/outcome-store.js';

const record = (flowId: string): OutcomeRecord => ({
  site: 's',
  terminal: 't',
  flowId,
  source: 'answer',
  outcome: { kind: 'approved', flowId },
  at: '2026-12-01T00:00:00.000Z',
});

describe('the write-ahead outbox log', () => {
  const dirs: string[] = [];
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bluechip-outbox-'));
    dirs.push(dir);
    return join(dir, 'fleet-outbox.jsonl');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('a log with lines of other shapes opens: they are skipped, the well-formed ones kept', async () => {
    const path = file();
    const good = { id: 'ok', add: record('f-ok') };
    const odd = ['5', 'null', '[]', '"x"', '{"id":"n","add":null}', '{"id":"s","add":"x"}', '{"done":7}'];
    appendFileSync(path, `${[...odd, JSON.stringify(good), '{"id":'].join('\n')}\n`);
    const log = await OutboxLog.open(path);
    expect(log.pending).toEqual([good.add]);
    expect(log.quarantinedBefore).toBe(0);
    await log.close();
  });

  it('gives back, after a restart, what was added and never marked done', async () => {
    const path = file();
    const log = await OutboxLog.open(path);
    expect(log.pending).toEqual([]);
    await log.add('a', record('1'));
    await log.add('b', record('2'));
    await log.done('a');
    await log.close();
    const again = await OutboxLog.open(path);
    expect(again.pending.map((r) => r.flowId)).toEqual(['2']);
    await again.close();
  });

  it('skips a torn last line (the crash hit mid-write: nobody was told of it)', async () => {
    const path = file();
    const log = await OutboxLog.open(path);
    await log.add('a', record('1'));
    await log.close();
    appendFileSync(path, '{"id":"b","add":{"site":');
    const again = await OutboxLog.open(path);
    expect(again.pending.map((r) => r.flowId)).toEqual(['1']);
    await again.close();
  });

  it('truncates itself once nothing is pending and it has grown', async () => {
    const path = file();
    const log = await OutboxLog.open(path, 4096);
    for (let i = 0; i < 60; i++) {
      await log.add(`id-${i}`, record(String(i)));
      await log.done(`id-${i}`);
    }
    await log.close();
    expect(readFileSync(path, 'utf8').length).toBeLessThan(4096);
    expect((await OutboxLog.open(path)).pending).toEqual([]);
  });
});
