import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, CLI_BIN } from './cli-build.js';

/** The tables of the docs that list what the code has: each is checked against the code, not a copy. */

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The command names `bluechip help` prints: the CLI's own table, whatever its source layout. */
function cliCommands(): string[] {
  const help = execFileSync(process.execPath, [CLI_BIN, 'help'], { encoding: 'utf8' });
  const section = help.split('Commands:\n')[1]?.split('\n\n')[0] ?? '';
  return section
    .split('\n')
    .map((line) => /^ {2}([a-z][a-z-]*)\s/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'help');
}

/** The first-column cells of the markdown table that follows `heading` in `text`. */
function tableAfter(text: string, heading: string): string {
  const start = text.indexOf(heading);
  expect(start, `"${heading}" not found`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start);
  const table = /\n(\|[^\n]*\n)+/.exec(rest);
  return table?.[0] ?? '';
}

beforeAll(() => buildCli(), 120_000);

describe('the docs list what the code has', () => {
  it('the README and docs/client.md name every command of `bluechip help`', () => {
    const commands = cliCommands();
    expect(commands).toEqual(expect.arrayContaining(['demo', 'sale', 'serve', 'agent']));
    const readme = tableAfter(read('README.md'), '`bluechip help` lists every command');
    const client = tableAfter(read('docs/client.md'), '## The `bluechip` command');
    for (const name of commands) {
      expect(readme, `README.md's command table misses ${name}`).toContain(`\`${name}\``);
      expect(client, `docs/client.md's command table misses ${name}`).toMatch(new RegExp(`\`${name}[\` ]`));
    }
  });

  it("docs/packages.md's size table has one row per package", () => {
    const packages = readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => JSON.parse(read(`packages/${entry.name}/package.json`)).name as string)
      .sort();
    const table = tableAfter(read('docs/packages.md'), '<!-- package-sizes:start -->');
    const rows = [...table.matchAll(/^\| `(@bluechip-ws\/[a-z-]+)`/gm)].map((m) => m[1]).sort();
    expect(rows).toEqual(packages);
  });
});

describe("the project's address is one fact", () => {
  it('every manifest names the repository the root package.json declares', () => {
    const root = JSON.parse(read('package.json')) as { repository: { url: string } };
    const git = root.repository.url;
    const web = git.replace(/^git\+/, '').replace(/\.git$/, '');
    const dirs = readdirSync(join(ROOT, 'packages'), { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const { name } of dirs) {
      const manifest = JSON.parse(read(`packages/${name}/package.json`));
      expect(manifest.repository, name).toEqual({ type: 'git', url: git, directory: `packages/${name}` });
      expect(manifest.homepage, name).toBe(`${web}/tree/main/packages/${name}#readme`);
      expect(manifest.bugs, name).toEqual({ url: `${web}/issues` });
    }
    const pyproject = read('bindings/python/pyproject.toml');
    const urls = [...pyproject.matchAll(/^\w+ = "(https:[^"]+)"$/gm)].map((m) => m[1] ?? '');
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url.startsWith(web), url).toBe(true);
    const goModule = /^module (\S+)$/m.exec(read('bindings/go/go.mod'))?.[1];
    expect(`https://${goModule}`).toBe(`${web}/bindings/go`);
  });
});
