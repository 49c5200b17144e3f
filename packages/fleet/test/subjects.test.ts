import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeToken } from '../src/internal.js';
import { outcomeMsgId, outcomeSubject, parseAgentConfig } from '../src/node.js';

describe('subjects', () => {
  it('any idempotency key becomes one subject token; different keys, different subjects', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }),
        fc.string({ minLength: 1 }),
        (a, b) => {
          const subject = outcomeSubject('s1', 't1', { idempotencyKey: a });
          expect(subject.split('.')).toHaveLength(6);
          expect(subject).not.toMatch(/[\s*>]/);
          if (a !== b) expect(subject).not.toBe(outcomeSubject('s1', 't1', { idempotencyKey: b }));
        },
      ),
    );
    expect(encodeToken('a.b c')).toBe('YS5iIGM');
  });

  it('keys and flow ids never share a message id or a subject', () => {
    expect(outcomeMsgId('s', 't', { idempotencyKey: '1' })).not.toBe(outcomeMsgId('s', 't', { flowId: '1' }));
    expect(outcomeSubject('s', 't', { idempotencyKey: '1' })).not.toBe(
      outcomeSubject('s', 't', { flowId: '1' }),
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
});
