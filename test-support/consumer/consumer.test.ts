import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, servePage } from '../browser.js';

/**
 * What a POS team gets from npm: every package under packages/ (whatever is there, so packages added
 * later are covered) is packed, installed from its tarball into a scratch project outside the workspace,
 * type-checked by a strict consumer, run from Node (ESM and require) and bundled for a browser page.
 */
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixture/', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const PNPM = ['-y', 'pnpm@12.4.2'];

interface Packed {
  readonly name: string;
  readonly tarball: string;
  readonly files: readonly string[];
  readonly bytes: number;
}

let scratch: string;
let packed: Packed[];

async function publishablePackages(): Promise<string[]> {
  const names: string[] = [];
  for (const dir of await readdir(join(root, 'packages'))) {
    const manifest = await readFile(join(root, 'packages', dir, 'package.json'), 'utf8').catch(
      () => undefined,
    );
    if (manifest === undefined) continue;
    const pkg = JSON.parse(manifest) as { name: string; private?: boolean };
    if (pkg.private !== true) names.push(pkg.name);
  }
  return names.sort();
}

async function sh(file: string, args: readonly string[], cwd: string, timeout = 180_000) {
  try {
    return await run(file, [...args], { cwd, timeout, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${file} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`,
    );
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'bluechip-consumer-'));
  const tarballs = join(scratch, 'tarballs');
  await mkdir(tarballs);
  await sh(process.execPath, [tsc, '-b'], root);
  // One recursive pack of every publishable package: pnpm rewrites workspace:* ranges and applies
  // publishConfig. Private packages (none today) are left out.
  const filters = (await publishablePackages()).flatMap((name) => ['--filter', name]);
  const { stdout } = await sh(
    'npx',
    [...PNPM, '-r', ...filters, 'pack', '--json', '--pack-destination', tarballs],
    root,
  );
  const listed = JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] }[];
  packed = [];
  for (const entry of listed) {
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(entry.filename));
    packed.push({
      name: entry.name,
      tarball: entry.filename,
      files: entry.files.map((f) => f.path),
      bytes: size,
    });
  }
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
  await writeFile(
    join(scratch, 'package.json'),
    JSON.stringify(
      {
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { ...dependencies, '@types/node': '^20.19.0', ws: '^8.18.0' },
      },
      null,
      2,
    ),
  );
  for (const file of await readdir(fixture)) await copyFile(join(fixture, file), join(scratch, file));
  // Third-party dependencies come from the npm registry (or npm's cache); ours only from the tarballs.
  await sh(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    scratch,
    300_000,
  );
}, 600_000);

afterAll(async () => {
  // BLUECHIP_KEEP_SCRATCH=1 keeps the scratch project for a look after a failure.
  if (scratch !== undefined && process.env.BLUECHIP_KEEP_SCRATCH !== '1') {
    await rm(scratch, { recursive: true, force: true });
  } else if (scratch !== undefined) console.info(`scratch project kept: ${scratch}`);
});

describe('packed packages, installed from their tarballs', () => {
  it('every package is packed with its README, LICENSE and dist, and nothing a user does not need', async () => {
    expect(packed.map((p) => p.name).sort()).toEqual(await publishablePackages());
    for (const p of packed) {
      expect(p.files, p.name).toContain('README.md');
      expect(p.files, p.name).toContain('LICENSE');
      expect(p.files, p.name).toContain('dist/index.js');
      expect(p.files, p.name).toContain('dist/index.d.ts');
      const unwanted = p.files.filter((f) => /tsbuildinfo|^src\/|^test\/|\.test\.|^tsconfig/.test(f));
      expect(unwanted, p.name).toEqual([]);
      const manifest = JSON.parse(
        await readFile(join(scratch, 'node_modules', p.name, 'package.json'), 'utf8'),
      ) as Record<string, unknown>;
      expect(manifest, p.name).toMatchObject({
        license: 'MIT',
        type: 'module',
        engines: { node: '>=20.19' },
        repository: { type: 'git', directory: expect.stringMatching(/^packages\//) },
        publishConfig: { access: 'public' },
      });
      expect(manifest.exports, p.name).toMatchObject({
        '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
      });
      // Every export target is in the tarball (a workspace-only `source` condition pointing at src/ is not).
      for (const target of exportTargets(manifest.exports)) {
        const file = target.slice(2);
        expect(file === 'package.json' || p.files.includes(file), `${p.name} exports ${file}`).toBe(true);
      }
      expect(JSON.stringify(manifest), p.name).not.toContain('workspace:');
      console.info(`${p.name}: ${p.files.length} files, ${p.bytes} bytes packed`);
    }
  });

  it('npm pack refuses a package whose manifest has workspace: ranges (docs/packages.md), packs one without', async () => {
    const refused = await run('npm', ['pack', '--dry-run', '--json'], {
      cwd: join(root, 'packages', 'client'),
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain('@bluechip-ws/client: refusing to pack with npm: ');
    expect(refused?.stderr).toContain('npx -y pnpm@12.4.2 pack');
    // protocol depends on no workspace package: npm packs it.
    const { stdout } = await sh('npm', ['pack', '--dry-run', '--json'], join(root, 'packages', 'protocol'));
    expect((JSON.parse(stdout) as { name: string }[])[0]?.name).toBe('@bluechip-ws/protocol');
  });

  it('a strict consumer type-checks (skipLibCheck false; node16 and bundler resolution)', async () => {
    // node16: a Node service importing every package, with Node's types. bundler: a browser page importing
    // what a page would, without Node's types (so the browser packages must not need them).
    const checks = {
      node16: {
        options: { module: 'node16', moduleResolution: 'node16', lib: ['ES2022'], types: ['node'] },
        files: ['consumer.ts'],
      },
      bundler: {
        options: { module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] },
        files: ['browser-consumer.ts', 'page.ts'],
      },
    };
    // Both at once: each is a whole-program check of every .d.ts the packages bring (300 to 500 files).
    await Promise.all(
      Object.entries(checks).map(async ([mode, { options, files }]) => {
        await writeFile(
          join(scratch, `tsconfig.${mode}.json`),
          JSON.stringify({
            compilerOptions: {
              ...options,
              target: 'ES2022',
              strict: true,
              exactOptionalPropertyTypes: true,
              noUncheckedIndexedAccess: true,
              skipLibCheck: false,
              noEmit: true,
            },
            files,
          }),
        );
        await sh(process.execPath, [tsc, '-p', `tsconfig.${mode}.json`], scratch);
      }),
    );
  }, 240_000);

  it("every package's ./internal resolves from its tarball, is a superset of '.', and '.' keeps to the public surface", async () => {
    const { stdout, stderr } = await sh(process.execPath, ['surface.mjs'], scratch, 60_000);
    expect(stderr).toBe('');
    const surface = JSON.parse(stdout) as {
      packages: Record<string, { exports: number; internalOnly: string[]; notInInternal: string[] }>;
      core: Record<string, string | boolean | undefined>;
    };
    expect(Object.keys(surface.packages).sort()).toEqual(await publishablePackages());
    for (const [name, { exports, notInInternal }] of Object.entries(surface.packages)) {
      expect(exports, name).toBeGreaterThan(0);
      expect(notInInternal, name).toEqual([]);
    }
    // The building blocks left '.' for './internal'.
    expect(surface.packages['@bluechip-ws/core']?.internalOnly).toEqual(
      expect.arrayContaining([
        'FlowIndex',
        'IndexedJournal',
        'crc32Portable',
        'readStoredEntry',
        'GuardedObservable',
        'offer',
        'foldRecords',
      ]),
    );
    expect(surface.packages['@bluechip-ws/journal-file']?.internalOnly).toEqual(['crc32']);
    expect(surface.packages['@bluechip-ws/protocol']?.internalOnly).toEqual(
      expect.arrayContaining(['own', 'readCents', 'utf8Length']),
    );
    expect(surface.core).toEqual({
      FlowIndex: 'undefined',
      IndexedJournal: 'undefined',
      crc32Portable: 'undefined',
      GuardedObservable: 'undefined',
      Session: 'function',
      MemoryJournal: 'function',
      internalFlowIndex: 'function',
      indexedFlow: 'f1',
      memoryJournalIsIndexed: true,
    });
  }, 90_000);

  it('runs a sale from Node as an ES module and through require()', async () => {
    for (const script of ['sale.mjs', 'sale.cjs']) {
      const { stdout, stderr } = await sh(process.execPath, [script], scratch, 30_000);
      expect(JSON.parse(stdout), script).toEqual({ kind: 'approved', amount: 1234 });
      expect(stderr, script).toBe('');
    }
  }, 60_000);

  it('the packed bluechip command runs', async () => {
    const bin = join(scratch, 'node_modules/.bin/bluechip');
    const version = await sh(bin, ['--version'], scratch, 30_000);
    expect(version.stdout).toMatch(/^bluechip \d+\.\d+\.\d+/);
    const help = await sh(bin, ['help', 'sale'], scratch, 30_000);
    expect(help.stdout).toContain('Usage: bluechip sale --amount');
  }, 60_000);

  it('bundles a page for the browser and runs a sale in Chromium', async () => {
    const bundle = await build({
      absWorkingDir: scratch,
      entryPoints: ['page.ts'],
      bundle: true,
      minify: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      metafile: true,
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]?.contents;
    if (code === undefined) throw new Error('esbuild produced no output');
    const minified = code.byteLength;
    const gzipped = gzipSync(code, { level: 9 }).byteLength;
    const fpTs = Object.entries(bundle.metafile.inputs).filter(([path]) => path.includes('/fp-ts/'));
    console.info(`browser bundle (sale page): ${minified} bytes minified, ${gzipped} bytes gzipped`);
    // fp-ts once, through its ES module build (the one io-ts uses in bundlers)
    expect(fpTs.filter(([path]) => path.includes('/fp-ts/lib/'))).toEqual([]);
    const budget = await bundleBudget();
    expect(minified).toBeLessThanOrEqual(budget.minified);
    expect(gzipped).toBeLessThanOrEqual(budget.gzipped);

    if (!chromiumAvailable('consumer')) return;
    const { startSimulator } = (await import(
      pathToFileURL(join(scratch, 'node_modules/@bluechip-ws/simulator/dist/index.js')).href
    )) as typeof import('@bluechip-ws/simulator');
    const sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: 1 });
    const { url, server } = await servePage(new TextDecoder().decode(code), 'consumer sale');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${url}#${encodeURIComponent(sim.url)}`);
      await page.waitForFunction(() => window.saleResult !== undefined, undefined, { timeout: 15_000 });
      expect(await page.evaluate(() => window.saleResult)).toBe('approved 1234');
    } finally {
      await browser.close();
      server.close();
      await sim.close();
    }
  }, 60_000);
});

/** The budget kept in docs/benchmarks.md: `<!-- bundle-budget minified=N gzipped=N -->`. */
async function bundleBudget(): Promise<{ minified: number; gzipped: number }> {
  const doc = await readFile(join(root, 'docs/benchmarks.md'), 'utf8');
  const match = /<!-- bundle-budget minified=(\d+) gzipped=(\d+) -->/.exec(doc);
  if (match === null) throw new Error('docs/benchmarks.md has no bundle-budget marker');
  return { minified: Number(match[1]), gzipped: Number(match[2]) };
}

declare global {
  interface Window {
    saleResult?: string;
  }
}

/** The files an `exports` map points at (its string leaves; subpath keys such as "./node" are not files). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (typeof exports !== 'object' || exports === null) return [];
  return Object.values(exports).flatMap(exportTargets);
}
