// `prepack` of every package: refuses to pack a manifest whose dependencies still say `workspace:`, unless
// pnpm is packing (pnpm rewrites those ranges into the tarball; npm copies them as they are, and npm cannot
// install such a tarball). Why pnpm: docs/packages.md, "Packing: pnpm, not npm".
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

// Who runs this prepack: npm_execpath is set by the packing tool itself (npm_config_user_agent is not: npm
// takes it from the environment as a setting, so an npm started under `pnpm run` would pass for pnpm).
const execpath = process.env.npm_execpath ?? '';
const tool = basename(execpath).startsWith('pnpm')
  ? 'pnpm'
  : basename(execpath).startsWith('npm')
    ? 'npm'
    : '';
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const fields = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const workspace = fields.flatMap((field) =>
  Object.entries(manifest[field] ?? {})
    .filter(([, range]) => typeof range === 'string' && range.startsWith('workspace:'))
    .map(([name, range]) => `${name}@${range}`),
);
if (workspace.length > 0 && tool !== 'pnpm') {
  console.error(
    `${manifest.name}: refusing to pack with ${tool || 'this tool'}: its dependencies say ` +
      `${workspace.join(', ')}, which only pnpm rewrites into real versions; the tarball would not install. ` +
      'Pack with `npx -y pnpm@12.4.2 pack` (docs/packages.md, "Packing: pnpm, not npm").',
  );
  process.exit(1);
}
