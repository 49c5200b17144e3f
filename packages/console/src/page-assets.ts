import { readFile } from 'node:fs/promises';

/** What the console serves: one HTML page and its bundled script. */
export interface PageAssets {
  readonly script: string;
}

/** Thrown when the bundled page is missing (the package was not built). */
export class ConsoleBuildError extends Error {
  override readonly name = 'ConsoleBuildError';
}

/** Set by the single-file CLI bundle (packages/cli/scripts/bundle-cli.mjs), which carries the page inline. */
declare const __BLUECHIP_CONSOLE_PAGE__: string | undefined;

/** The page bundled at build time (`dist/page/console.js`, written by scripts/bundle-page.mjs). */
export async function builtPage(): Promise<PageAssets> {
  if (typeof __BLUECHIP_CONSOLE_PAGE__ === 'string') return { script: __BLUECHIP_CONSOLE_PAGE__ };
  const file = new URL('./page/console.js', import.meta.url);
  try {
    return { script: await readFile(file, 'utf8') };
  } catch (cause) {
    throw new ConsoleBuildError(
      `the console page is not built (${file.pathname} is missing): run \`npm run build\` first`,
      { cause },
    );
  }
}

/** The page's HTML: no inline script, so the Content-Security-Policy can forbid every other source. */
export function pageHtml(config: { terminalId: string; mode: 'simulator' | 'terminal'; bridgePort: number }) {
  const meta = (name: string, value: string | number) =>
    `<meta name="bluechip-${name}" content="${String(value).replace(/[^\w.:/-]/g, '')}">`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${meta('terminal', config.terminalId)}
${meta('mode', config.mode)}
${meta('bridge-port', config.bridgePort)}
<title>bluechip console</title>
<script type="module" src="/console.js"></script>
</head>
<body><noscript>The bluechip console needs JavaScript.</noscript></body>
</html>
`;
}
