#!/usr/bin/env node
// Regenerates the size table of docs/packages.md from what `npm pack` would put in each tarball
// (`--dry-run`: nothing is written). Run after `npx tsc -b`: `node scripts/package-sizes.mjs`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const START = '<!-- package-sizes:start -->';
const END = '<!-- package-sizes:end -->';
const number = (n) => n.toLocaleString('en-US');

function packSummary(dir) {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [info] = JSON.parse(out);
  const count = (suffix) => info.files.filter((f) => f.path.endsWith(suffix)).length;
  const js = count('.js') + count('.mjs');
  const dts = count('.d.ts');
  const maps = count('.map');
  return {
    name: info.name,
    files: info.entryCount,
    js,
    dts,
    maps,
    other: info.entryCount - js - dts - maps,
    packed: info.size,
    unpacked: info.unpackedSize,
  };
}

const rows = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => packSummary(join(root, 'packages', entry.name)))
  .sort((a, b) => a.name.localeCompare(b.name));

const table = [
  START,
  '| package | files (js / d.ts / maps + other) | packed bytes | unpacked bytes |',
  '|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| \`${r.name}\` | ${r.files} (${r.js} / ${r.dts} / ${r.maps} + ${r.other}) | ${number(r.packed)} | ${number(r.unpacked)} |`,
  ),
  END,
].join('\n');

const file = join(root, 'docs/packages.md');
const text = readFileSync(file, 'utf8');
const from = text.indexOf(START);
const to = text.indexOf(END);
if (from < 0 || to < 0) throw new Error(`docs/packages.md lacks the ${START} … ${END} markers`);
writeFileSync(file, text.slice(0, from) + table + text.slice(to + END.length));
console.log(table);
