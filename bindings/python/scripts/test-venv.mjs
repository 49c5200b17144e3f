// Creates bindings/python/.venv with the test dependencies (requirements-test.txt, from PyPI), once: the
// interpreter the npm test suite runs pytest with. Re-run after changing requirements-test.txt (it compares
// a copy kept in the venv). Run: `node bindings/python/scripts/test-venv.mjs`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const VENV = `${PACKAGE}.venv`;
const REQUIREMENTS = `${PACKAGE}requirements-test.txt`;
const INSTALLED = `${VENV}/requirements-test.txt`;
export const PYTHON = `${VENV}/bin/python`;

export function testVenvIsCurrent() {
  return (
    existsSync(PYTHON) &&
    existsSync(INSTALLED) &&
    readFileSync(INSTALLED, 'utf8') === readFileSync(REQUIREMENTS, 'utf8')
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (testVenvIsCurrent()) {
    console.log(`${VENV} is up to date`);
  } else {
    const python = process.env.PYTHON ?? 'python3';
    const run = (file, args) => execFileSync(file, args, { stdio: 'inherit' });
    if (!existsSync(PYTHON)) run(python, ['-m', 'venv', VENV]);
    run(PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS]);
    copyFileSync(REQUIREMENTS, INSTALLED);
    console.log(
      `${VENV}: ready (${readFileSync(REQUIREMENTS, 'utf8')
        .match(/^\w[^\n]*/gm)
        .join(', ')})`,
    );
  }
}
