import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

/**
 * What every browser test needs: Debian's Chromium, a bundle of a test entry built from the packages'
 * sources, a page served on 127.0.0.1, and a headless launch with the flags this closed network requires.
 */
export const CHROMIUM = '/usr/bin/chromium';
const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

/** Whether a browser test can run; on CI a missing Chromium is an error, elsewhere a skip with a warning. */
export function chromiumAvailable(label: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does.`,
    );
  }
  console.warn(`[${label}] browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
  return false;
}

/** Bundles `entry` for the browser; workspace packages resolve to their src, as in vitest. */
export async function bundleEntry(entry: URL): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
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
          // Subpath entries (`@bluechip-ws/core/internal`) too, as the vitest alias maps them.
          b.onResolve({ filter: /^@bluechip-ws\/[a-z-]+(\/[a-z-]+)?$/ }, (args) => {
            const [pkg, sub = 'index'] = args.path.slice('@bluechip-ws/'.length).split('/');
            return { path: `${packagesDir}${pkg}/src/${sub}.ts` };
          });
        },
      },
    ],
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no output');
  return file.text;
}

/** Serves a page loading `bundle` as a module, on 127.0.0.1, port 0. */
export async function servePage(bundle: string, title: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else if (req.url === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<!doctype html><title>${title}</title><script type="module" src="/bundle.js"></script>`);
    } else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** Headless Chromium without the background traffic that this machine's closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  });
}
