import { describe, expect, it } from 'vitest';
import { nonLoopbackWarning, parseListenAddress } from '../src/listen-address.js';

// Issue 24, defect 4: `serve --listen 7300` (the documented port-only form) was read as host "730", port 0,
// and `--listen 00` as host "0" (0.0.0.0), port 0.

describe('serve --listen', () => {
  it('a port alone means 127.0.0.1', () => {
    expect(parseListenAddress('7300')).toEqual({ host: '127.0.0.1', port: 7300, explicitHost: false });
    expect(parseListenAddress('0')).toEqual({ host: '127.0.0.1', port: 0, explicitHost: false });
    expect(parseListenAddress('65535')).toMatchObject({ host: '127.0.0.1', port: 65535 });
    expect(parseListenAddress('1')).toMatchObject({ host: '127.0.0.1', port: 1 });
  });

  it('a host written out is taken as written: IPv4, a name, [IPv6]', () => {
    expect(parseListenAddress('127.0.0.1:7300')).toEqual({
      host: '127.0.0.1',
      port: 7300,
      explicitHost: true,
    });
    expect(parseListenAddress('0.0.0.0:7300')).toEqual({ host: '0.0.0.0', port: 7300, explicitHost: true });
    expect(parseListenAddress('localhost:0')).toMatchObject({ host: 'localhost', port: 0 });
    expect(parseListenAddress('pos-7.store.example:7300')).toMatchObject({ host: 'pos-7.store.example' });
    expect(parseListenAddress('[::1]:7300')).toEqual({ host: '::1', port: 7300, explicitHost: true });
    expect(parseListenAddress('[::]:7300')).toMatchObject({ host: '::', port: 7300 });
  });

  it('anything else is a usage error naming --listen, never a guess', () => {
    for (const text of [
      '00',
      '07300',
      '65536',
      '123456',
      '',
      ' 7300',
      '7300 ',
      '7300x',
      'x7300',
      'nowhere',
      ':7300',
      'localhost:',
      'localhost:00',
      'localhost:-1',
      '0:7300',
      '127.1:7300',
      '1.2.3.4.5:7300',
      '::1:7300',
      '::7300',
      '[::1]',
      '[::1]7300',
      '[nope]:7300',
      '[127.0.0.1]:7300',
      'a b:7300',
      'host_name:7300',
      '-bad:7300',
      `${'a'.repeat(64)}:7300`,
      `${'x'.repeat(10_000)}:7300`,
      'ünïcode:7300',
      '127.0.0.1:7300:1',
    ]) {
      let error: unknown;
      try {
        parseListenAddress(text);
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(text.slice(0, 30))).toMatchObject({ name: 'UsageError' });
      const message = (error as Error).message;
      expect(message).toMatch(/^--listen /);
      expect(message.length).toBeLessThan(300);
    }
  });

  it('the warning for an address that is not loopback says so loudly, on its own lines', () => {
    const text = nonLoopbackWarning(parseListenAddress('0.0.0.0:7300'));
    expect(text).toMatch(
      /^WARNING: listening on 0\.0\.0\.0:7300, which is NOT loopback \(every network interface\)/,
    );
    expect(text).toContain('holds the token can run payments');
    expect(text.endsWith('\n')).toBe(true);
    expect(nonLoopbackWarning(parseListenAddress('[::]:7300'))).toContain('[::]:7300');
  });
});
