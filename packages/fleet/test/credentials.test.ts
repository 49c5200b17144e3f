import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRemote } from '../src/index.js';
import type { NatsSettings } from '../src/node.js';
import { freePort, type NatsServer, startNatsServer } from './nats-server.js';
import { hasNatsServer, simulated, startAgent } from './support.js';

const openssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl for this run. */
function certificates(
  dir: string,
): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const name of ['server', 'client']) {
    run(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    );
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'san.ext',
      '-out',
      `${name}.pem`,
    );
  }
  return {
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
  };
}

// The config's credentials reach the NATS client as they are: each server below refuses anyone without them.
describe.skipIf(!hasNatsServer())('agent credentials and TLS passed through to NATS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bluechip-creds-'));
  const servers: NatsServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  });

  async function sellThrough(
    name: string,
    extra: string,
    agentNats: NatsSettings,
    pos: Parameters<typeof connect>[0],
  ) {
    const port = await freePort();
    const server = await startNatsServer({ name, dir, port, extra });
    servers.push(server);
    const url = agentNats.tls === undefined ? server.url : `tls://127.0.0.1:${port}`;
    const agent = await startAgent(url, { site: name, nats: agentNats, terminals: [simulated('lane1')] });
    const nc = await connect({ servers: url, ...pos });
    try {
      // Without the credentials, the server refuses.
      await expect(connect({ servers: url, reconnect: false, timeout: 2000 })).rejects.toThrow();
      const outcome = await connectRemote({ nats: nc, site: name, terminal: 'lane1' }).sale({ amount: 1200 });
      return outcome.kind;
    } finally {
      await nc.close();
      await agent.close();
    }
  }

  it('a token', async () => {
    expect(
      await sellThrough(
        'tok',
        'authorization { token: "s3cret-token" }',
        { token: 's3cret-token' },
        { token: 's3cret-token' },
      ),
    ).toBe('approved');
  });

  it('an nkey seed file', async () => {
    const agentKey = createUser();
    const posKey = createUser();
    const seedFile = join(dir, 'agent.nk');
    writeFileSync(seedFile, new TextDecoder().decode(agentKey.getSeed()));
    const { nkeyAuthenticator } = await import('@nats-io/transport-node');
    expect(
      await sellThrough(
        'nk',
        `authorization { users: [ { nkey: ${agentKey.getPublicKey()} }, { nkey: ${posKey.getPublicKey()} } ] }`,
        { nkeySeedFile: seedFile },
        { authenticator: nkeyAuthenticator(posKey.getSeed()) },
      ),
    ).toBe('approved');
  });

  it.skipIf(!openssl)(
    'mutual TLS (CA, client certificate)',
    async () => {
      const c = certificates(dir);
      const tls = { caFile: c.ca, certFile: c.clientCert, keyFile: c.clientKey };
      expect(
        await sellThrough(
          'tls',
          `tls { cert_file: "${c.serverCert}", key_file: "${c.serverKey}", ca_file: "${c.ca}", verify: true }`,
          { tls },
          { tls },
        ),
      ).toBe('approved');
    },
    30_000,
  );
});
