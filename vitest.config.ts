import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against each package's TypeScript source, so no build is needed between edits.
    alias: [
      { find: /^@bluechip-ws\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
      // Subpath entries (`@bluechip-ws/bridge/node`) too, so one copy of each module is loaded.
      { find: /^@bluechip-ws\/([a-z-]+)\/([a-z-]+)$/, replacement: `${packages}$1/src/$2.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test-support/**/*.test.ts', 'bindings/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.mjs'],
  },
});
