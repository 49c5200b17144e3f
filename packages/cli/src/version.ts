import { readFileSync } from 'node:fs';

/** Set by the single-file bundle (scripts/bundle-cli.mjs), which has no package.json beside it. */
declare const __BLUECHIP_CLI_VERSION__: string | undefined;

/** This package's version, read from its own package.json (next to `dist/` and `src/` alike). */
export function cliVersion(): string {
  if (typeof __BLUECHIP_CLI_VERSION__ === 'string') return __BLUECHIP_CLI_VERSION__;
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
