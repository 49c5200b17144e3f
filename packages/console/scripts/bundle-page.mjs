// Bundles the console page (src/page/main.ts) into dist/page/console.js at build time: the page loads
// nothing from the network at run time. Run by the root `build` and `check` scripts after `tsc -b`.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = await build({
  entryPoints: [`${root}src/page/main.ts`],
  bundle: true,
  write: false,
  minify: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  // Workspace packages from their TypeScript sources, so the bundle does not depend on build order.
  conditions: ['source'],
  logLevel: 'warning',
});
const file = result.outputFiles[0];
if (file === undefined) throw new Error('esbuild produced no output');
mkdirSync(`${root}dist/page`, { recursive: true });
// Written beside and renamed: the CLI bundle, built in parallel by tests, never inlines half a page.
const partial = `${root}dist/page/console.js.${process.pid}.tmp`;
writeFileSync(partial, file.contents);
renameSync(partial, `${root}dist/page/console.js`);
console.log(`console page: dist/page/console.js, ${(file.contents.length / 1024).toFixed(1)} KiB`);
