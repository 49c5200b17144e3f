// `prepack` of every package: refuses to pack a manifest whose dependencies still say `workspace:`, unless
// pnpm is packing (pnpm rewrites those ranges into the tarball; npm copies them as they are, and npm cannot
// install such a tarball). Why pnpm: docs/packages.md, "Packing: pnpm, not npm".
import { readFileSync } from 'node:fs';

const agent = process.env.npm_config_user_agent ?? '';
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const fields = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const workspace = fields.flatMap((field) =>
  Object.entries(manifest[field] ?? {})
    .filter(([, range]) => typeof range === 'string' && range.startsWith('workspace:'))
    .map(([name, range]) => `${name}@${range}`),
);
if (workspace.length > 0 && !agent.startsWith('pnpm/')) {
  console.error(
    `${manifest.name}: refusing to pack with ${agent.split(' ')[0] || 'this tool'}: its dependencies say ` +
      `${workspace.join(', ')}, which only pnpm rewrites into real versions; the tarball would not install. ` +
      'Pack with `npx -y pnpm@12.4.2 pack` (docs/packages.md, "Packing: pnpm, not npm").',
  );
  process.exit(1);
}
