// The public surface of every package (docs/architecture.md, "Public surface and internal"): `./internal` is a
// superset of `.` with the same bindings, and the building blocks stay out of `.`. Runs on the sources; the
// consumer test checks the same from the packed tarballs.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

/** Values (not types) that `./internal` has and `.` must not. */
const INTERNAL_ONLY: Readonly<Record<string, readonly string[]>> = {
  bridge: ['actionFor', 'classify', 'decodeParams', 'errorTable', 'methodTable', 'outcomeJson', 'toRpcError'],
  certify: ['commandDriver', 'interactiveDriver', 'runChecks', 'WireRecorder', 'readReport', 'timing'],
  cli: ['jsonReport'],
  client: ['tapFrames', 'toWire', 'snakeCase'],
  console: ['builtPage', 'pageHtml'],
  core: [
    'FlowIndex',
    'IndexedJournal',
    'crc32Portable',
    'readStoredEntry',
    'isJournalRecord',
    'foldRecords',
    'applyRecord',
    'isOpenFlow',
    'GuardedObservable',
    'offer',
    'TIMEOUT_STAGES',
    'backoffDelay',
    'mulberry32',
  ],
  fleet: ['checkToken', 'encodeToken', 'methodOf'],
  'journal-file': ['crc32'],
  'journal-indexeddb': [],
  protocol: ['own', 'envelopeFromJson', 'utf8Length', 'readCents', 'RESULT_KINDS', 'withPartialApproval'],
  simulator: ['runSimulateCommand', 'SIMULATE_EXIT', 'BoundedLog', 'seededRandom', 'resolveSettings'],
  'transport-memory': ['pickFault', 'corrupt', 'mulberry32'],
  'transport-ws': ['WsLink', 'resolveWsOptions'],
};

describe('public surface', () => {
  it('lists every package', () => {
    expect(Object.keys(INTERNAL_ONLY).sort()).toEqual(readdirSync(packagesDir).sort());
  });

  for (const [pkg, internalOnly] of Object.entries(INTERNAL_ONLY)) {
    it(`${pkg}: ./internal has all of '.' (same bindings) and the building blocks '.' leaves out`, async () => {
      const main = (await import(`${packagesDir}${pkg}/src/index.ts`)) as Record<string, unknown>;
      const internal = (await import(`${packagesDir}${pkg}/src/internal.ts`)) as Record<string, unknown>;
      expect(Object.keys(main).length).toBeGreaterThan(0);
      expect(Object.keys(main).filter((key) => internal[key] !== main[key])).toEqual([]);
      for (const name of internalOnly) {
        expect(main[name], `${pkg} '.' exports ${name}`).toBeUndefined();
        expect(internal[name], `${pkg}/internal lacks ${name}`).toBeDefined();
      }
    });
  }
});
