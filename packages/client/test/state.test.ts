import type { ConnectionState } from '@bluechip-ws/core';
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../src/index.js';
import { testTerminal } from './support.js';

describe('state$', () => {
  it('emits closed once when the link dropped before close(), and completes', async () => {
    const { terminal, settle } = testTerminal({}, { reconnect: false });
    const kinds: string[] = [];
    let completed = false;
    terminal.state$.subscribe({
      next: (s: ConnectionState) => kinds.push(s.kind),
      complete: () => (completed = true),
    });
    // 2.05: the simulator drops the link right after "started"
    await settle(terminal.sale({ amount: parseAmount('2.05') })).catch(() => undefined);
    expect(kinds.at(-1)).toBe('closed');
    terminal.close();
    expect(kinds.filter((k) => k === 'closed')).toHaveLength(1);
    expect(completed).toBe(true);
  });

  it('emits closed once for a plain close() after an operation', async () => {
    const { terminal, settle } = testTerminal();
    const kinds: string[] = [];
    terminal.state$.subscribe((s) => kinds.push(s.kind));
    await settle(terminal.sale({ amount: parseAmount('1.00') }));
    terminal.close();
    expect(kinds).toEqual(['idle', 'connecting', 'open', 'closed']);
  });
});
