import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const CHROMIUM = '/usr/bin/chromium';
const packagesDir = fileURLToPath(new URL('../../../', import.meta.url));

/** Whether the browser test can run; on CI a missing Chromium is an error, elsewhere a skip with a warning. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does.`,
    );
  }
  console.warn(`[transport-ws] browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
  return false;
}

/** Bundles the browser entry from source; workspace packages resolve to their src, as in vitest. */
export async function bundleEntry(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../browser/entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    logLevel: 'silent',
    plugins: [
      {
        name: 'workspace-src',
        setup(b) {
          b.onResolve({ filter: /^@bluechip-ws\/[a-z-]+$/ }, (args) => ({
            path: `${packagesDir}${args.path.slice('@bluechip-ws/'.length)}/src/index.ts`,
          }));
        },
      },
    ],
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

/** Serves the page and the bundle on 127.0.0.1, port 0. */
export async function servePage(bundle: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>transport-ws</title><script type="module" src="/bundle.js"></script>');
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}
