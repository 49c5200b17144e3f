import { fileURLToPath } from 'node:url';
import { type CertifyOptions, type CertifyReport, runCertification } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export { buildCli, CLI_BIN } from '../../../test-support/cli-build.js';

/**
 * Scaled-down waits: the whole suite in seconds. The ack bound stays at the terminal's 5 s: a POS journaling
 * with fsync on a loaded machine can be slow. The real-time customer of `slow-customer` waits 3 s.
 */
export const FAST = { port: 0, timeScale: 0.01, ackTimeoutMs: 5000, customerHoldMs: 3000 } as const;

/** Runs the whole suite against a POS command; collects nothing on stdout. */
export function certify(
  posCommand: string,
  only?: readonly string[],
  options: Partial<CertifyOptions> = {},
): Promise<CertifyReport> {
  return runCertification(
    { ...FAST, posCommand, ...(only === undefined ? {} : { only }), ...options },
    { stdout: { write: () => true } },
  );
}

export function fixtureCommand(name: string): string {
  return `"${process.execPath}" "${FIXTURES}${name}.mjs" --url {url} --amount {amount} --mode {mode}`;
}

export const failedIds = (report: CertifyReport) =>
  report.results.filter((r) => !r.passed).map((r) => r.scenario.id);

/** Which checks failed in one scenario. */
export const failedChecks = (report: CertifyReport, id: string) =>
  report.results
    .find((r) => r.scenario.id === id)
    ?.checks.filter((c) => !c.passed)
    .map((c) => c.id) ?? [];
