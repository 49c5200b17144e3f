import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// bindings/python/bluechip_bridge/types.py is generated from openrpc.json by bindings/codegen/python.mjs and
// checked in: this fails when the document changed and the file was not regenerated.
const GENERATOR = fileURLToPath(new URL('../../../bindings/codegen/python.mjs', import.meta.url));

describe('Python result types (bindings/codegen/python.mjs)', () => {
  it('types.py is what the generator writes from openrpc.json today', () => {
    const run = spawnSync(process.execPath, [GENERATOR, '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
