// Bundles the whole `bluechip` command (every package it reaches, every npm dependency, the console page)
// into ONE self-contained ES module, dist/bluechip.mjs, that runs with nothing but Node.js >= 20: the file
// the Python, Go and Java bindings embed. Run by the root `build` and `check` scripts after `tsc -b` and the
// console page bundle (it inlines dist/page/console.js).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const pagePath = fileURLToPath(new URL('../../console/dist/page/console.js', import.meta.url));
let page;
try {
  page = readFileSync(pagePath, 'utf8');
} catch {
  throw new Error(`${pagePath} is missing: run packages/console/scripts/bundle-page.mjs first`);
}
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const outfile = `${root}dist/bluechip.mjs`;

const result = await build({
  entryPoints: [`${root}src/bin.ts`],
  outfile,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Workspace packages from their TypeScript sources, as the console page bundle does.
  conditions: ['source'],
  // CommonJS dependencies (ws, io-ts…) call `require` for Node built-ins; an ES module has none, so give it one.
  banner: {
    js: "import { createRequire as __bluechipCreateRequire } from 'node:module'; const require = __bluechipCreateRequire(import.meta.url);",
  },
  // ws loads these native accelerators inside try/catch and works without them: left out, found only if
  // installed beside the bundle.
  external: ['bufferutil', 'utf-8-validate'],
  // What the packages would read from disk beside their dist/ folders, inlined (see console/page-assets.ts
  // and cli/version.ts).
  define: {
    __BLUECHIP_CONSOLE_PAGE__: JSON.stringify(page),
    __BLUECHIP_CLI_VERSION__: JSON.stringify(version),
  },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
const file = result.outputFiles.find((f) => f.path === outfile);
if (file === undefined) throw new Error('esbuild produced no output');
// Written beside and renamed: test files that build it in parallel never run a half-written bundle.
mkdirSync(`${root}dist`, { recursive: true });
const partial = `${outfile}.${process.pid}.tmp`;
writeFileSync(partial, file.contents, { mode: 0o755 });
renameSync(partial, outfile);
console.log(`bluechip bundle: dist/bluechip.mjs, ${(file.contents.length / 1024).toFixed(1)} KiB`);
