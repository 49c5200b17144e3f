import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CONFIG_BYTES } from '../src/config.js';
import { encodeToken } from '../src/internal.js';
import { ConfigError, loadAgentConfig, outcomeMsgId, outcomeSubject, parseAgentConfig } from '../src/node.js';
import { boundedToken, checkToken, progressSubject, SubjectError } from '../src/subjects.js';

describe('subjects', () => {
  it('any idempotency key becomes one subject token; different keys, different subjects', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }),
        fc.string({ minLength: 1 }),
        async (a, b) => {
          const subject = await outcomeSubject('s1', 't1', { idempotencyKey: a });
          expect(subject.split('.')).toHaveLength(6);
          expect(subject).not.toMatch(/[\s*>]/);
          if (a !== b) expect(subject).not.toBe(await outcomeSubject('s1', 't1', { idempotencyKey: b }));
        },
      ),
    );
    expect(encodeToken('a.b c')).toBe('YS5iIGM');
  });

  it('subjects and message ids stay bounded whatever the key or flow id: long ones are hashed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 5000 }), async (value) => {
        for (const key of [{ idempotencyKey: value }, { flowId: value }]) {
          const subject = await outcomeSubject('s1', 't1', key);
          expect(subject.length).toBeLessThanOrEqual(200);
          expect(subject.split('.')).toHaveLength(6);
          expect((await outcomeMsgId('s1', 't1', key)).length).toBeLessThanOrEqual(300);
        }
        expect((await progressSubject('s1', 't1', value)).length).toBeLessThanOrEqual(200);
      }),
      { seed: 24, numRuns: 200 },
    );
    const long = 'x'.repeat(3000);
    const hashed = await boundedToken(long);
    expect(hashed).toMatch(/^=[A-Za-z0-9_-]{43}$/);
    expect(hashed).not.toBe(await boundedToken(`${long}y`));
    expect(await boundedToken('x'.repeat(96))).toBe(encodeToken('x'.repeat(96)));
    // Short keys keep their readable message id (as before); long ones carry the hash.
    expect(await outcomeMsgId('s', 't', { idempotencyKey: 'order-1' })).toBe('s/t/k/order-1');
    expect(await outcomeMsgId('s', 't', { idempotencyKey: long })).toBe(`s/t/kh/${hashed.slice(1)}`);
  });

  it('a bad site or terminal is a SubjectError whose message stays short, whatever was passed', () => {
    for (const bad of ['a'.repeat(100_000), 'a.b', '', 42, { toString: () => 'x' }]) {
      let error: unknown;
      try {
        checkToken(bad as string, 'site');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SubjectError);
      expect((error as Error).message.length).toBeLessThan(200);
    }
  });

  it('keys and flow ids never share a message id or a subject', async () => {
    expect(await outcomeMsgId('s', 't', { idempotencyKey: '1' })).not.toBe(
      await outcomeMsgId('s', 't', { flowId: '1' }),
    );
    expect(await outcomeSubject('s', 't', { idempotencyKey: '1' })).not.toBe(
      await outcomeSubject('s', 't', { flowId: '1' }),
    );
  });
});

describe('agent config', () => {
  const base = {
    site: 'store-1',
    terminals: [{ id: 'lane1', url: 'ws://10.0.0.5:50000', journalDir: 'j/lane1' }],
  };

  it('resolves paths against the config directory and passes credentials through', () => {
    const config = parseAgentConfig(
      {
        ...base,
        nats: {
          servers: ['tls://hub:4222'],
          user: 'u',
          pass: 'p',
          credsFile: 'site.creds',
          tls: { caFile: 'ca.pem' },
        },
      },
      '/etc/bluechip',
    );
    expect(config.terminals[0]?.journalDir).toBe('/etc/bluechip/j/lane1');
    expect(config.nats).toMatchObject({
      user: 'u',
      pass: 'p',
      credsFile: '/etc/bluechip/site.creds',
      tls: { caFile: '/etc/bluechip/ca.pem' },
    });
  });

  it.each([
    [{ ...base, site: 'store.1' }, /site/],
    [{ ...base, terminals: [] }, /terminals/],
    [
      {
        ...base,
        terminals: [
          { id: 'a', url: 'ws://x' },
          { id: 'a', simulator: true },
        ],
      },
      /twice/,
    ],
    [{ ...base, terminals: [{ id: 'a' }] }, /url or simulator/],
    [{ ...base, terminals: [{ id: 'a', url: 'http://x' }] }, /ws:\/\//],
    [{ ...base, nats: { user: 'u' } }, /user and pass/],
    [{ ...base, natz: {} }, /natz: unknown/],
    [{ ...base, stream: { replicas: 7 } }, /replicas/],
    [{ ...base, terminals: [{ id: 'a', simulator: true, timeouts: { flowMs: -1 } }] }, /flowMs/],
  ])('refuses a bad config with a message naming the setting (%#)', (value, message) => {
    expect(() => parseAgentConfig(value)).toThrow(message);
  });

  it('reads a config file as a door: bounded, strict UTF-8, unknown keys named briefly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bluechip-config-'));
    try {
      const notUtf8 = join(dir, 'latin1.json');
      writeFileSync(notUtf8, Uint8Array.from([...Buffer.from('{"site":"M'), 0xfc, ...Buffer.from('ller"}')]));
      await expect(loadAgentConfig(notUtf8)).rejects.toThrow(/not valid UTF-8/);
      const huge = join(dir, 'huge.json');
      writeFileSync(huge, `{"site":"${'x'.repeat(MAX_CONFIG_BYTES)}"}`);
      await expect(loadAgentConfig(huge)).rejects.toThrow(/larger than/);
      const longKey = join(dir, 'key.json');
      writeFileSync(longKey, JSON.stringify({ site: 's', terminals: [], ['k'.repeat(10_000)]: 1 }));
      const error = await loadAgentConfig(longKey).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message.length).toBeLessThan(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
