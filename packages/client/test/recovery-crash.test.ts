import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlowSummary, Journal, JsonObject } from '@bluechip-ws/core';
import { openFileJournal } from '@bluechip-ws/journal-file';
import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/index.js';

// kill -9 of a real POS process in the middle of its flows, then a restart on the same journal reconciles
// against the simulator (over ws on 127.0.0.1): every sale the simulator approved must be known.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./recovery-crash-child.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

let sim: RunningSimulator;
let url: string;
let dir: string;
/** Which POS flow sent each transaction the simulator approved (reference_no → flow id). */
const flowOfReference = new Map<string, string>();
const sales = new Set<string>();

/** Whether the CLI built (the last round reconciles through `bluechip reconcile` then). */
let cliBuilt = false;

function build(pkg: string): boolean {
  try {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', pkg], {
      cwd: root,
      stdio: 'pipe',
    });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  // The child imports dist/: build what it needs (incremental, a no-op when current).
  if (!build('packages/client') || !build('packages/journal-file')) throw new Error('tsc -b failed');
  cliBuilt = build('packages/cli');
  if (!cliBuilt) console.warn('crash test: packages/cli did not build; the last round reconciles in-process');
  dir = await mkdtemp(join(tmpdir(), 'bluechip-crash-'));
  sim = await startSimulator({ port: 0, eventDelayMs: 1_000 });
  url = sim.url;
  sim.frames$.subscribe((record) => {
    const frame = JSON.parse(record.text) as {
      request?: { flow_id: string; resource: JsonObject };
      event?: { flow_id: string; resource: JsonObject };
    };
    if (record.direction === 'in' && frame.request?.resource.type === 'sale')
      sales.add(frame.request.flow_id);
    const ref = referenceOf(frame.event?.resource);
    if (record.direction === 'out' && frame.event && ref !== undefined && sales.has(frame.event.flow_id))
      flowOfReference.set(ref, frame.event.flow_id);
  });
  sim.log$.subscribe((entry) => {
    // A flow cut by the kill is completed and recorded by the simulator without its event being sent.
    if (
      entry.kind !== 'link_dropped_mid_flow' ||
      entry.flow_id === undefined ||
      !/recorded/.test(entry.message)
    )
      return;
    const ref = referenceOf({ results: [sim.snapshot().lastTransaction ?? {}] });
    if (ref !== undefined && sales.has(entry.flow_id)) flowOfReference.set(ref, entry.flow_id);
  });
}, 180_000);

afterAll(async () => {
  await sim?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Runs the child from order `start` and SIGKILLs it `extraMs` after it printed its `killAt`-th "started". */
function runAndKill(
  start: number,
  killAt: number,
  extraMs: number,
): Promise<{ started: string[]; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, url, dir, String(start), '20'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started: string[] = [];
    const lines: string[] = [];
    let buffered = '';
    let stderr = '';
    const bound = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const match = /^started (\S+)/.exec(line);
        if (match?.[1] === undefined) continue;
        started.push(match[1]);
        if (started.length === killAt) setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(bound);
      if (signal !== 'SIGKILL')
        reject(new Error(`child was not killed (exit ${code}): ${stderr}\n${lines.join('\n')}`));
      else resolve({ started, lines });
    });
  });
}

/** Waits until the simulator has noticed the dead POS (it records the sale cut mid-flow then). */
async function simulatorIdle(): Promise<void> {
  for (let i = 0; i < 200 && (sim.engine.busy || sim.snapshot().connections > 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every approved sale at the simulator has exactly one approved outcome in the journal, for its flow. */
async function expectNothingLost(journal: Journal): Promise<number> {
  const approved = sim.snapshot().batch.filter((e) => e.type === 'sale' && e.result.status === 'approved');
  for (const entry of approved) {
    const flowId = flowOfReference.get(entry.reference_no);
    expect(flowId, `approved sale ${entry.reference_no} has a flow`).toBeDefined();
    const flow = (await journal.flow(flowId!)) as FlowSummary;
    expect(flow, `flow ${flowId} is journaled`).toBeDefined();
    const result = outcomeOf(flow);
    expect(referenceOf(result), `flow ${flowId}: ${JSON.stringify(flow.reconciled ?? flow.ended)}`).toBe(
      entry.reference_no,
    );
    expect(flow.reconciled?.verdict ?? 'none').not.toMatch(/not_found|failed/);
  }
  expect(await journal.openFlows()).toEqual([]);
  return approved.length;
}

describe('crash test: kill -9 mid-flow, restart, reconcile over ws', () => {
  it('loses no approved sale (library reconcile, then the CLI)', { timeout: 120_000 }, async () => {
    let next = 0;
    const recovered: string[] = [];
    for (const [round, killAt, extraMs] of [
      [0, 1, 0],
      [1, 2, 300],
      [2, 1, 1_020],
    ] as const) {
      const { started } = await runAndKill(next, killAt, extraMs);
      expect(started.length).toBeGreaterThanOrEqual(killAt);
      next += started.length + 1;
      await simulatorIdle();
      if (round < 2 || !cliBuilt) {
        // A new POS process: a new terminal on the same journal directory (the dead one's lock is stale).
        const journal = await openFileJournal(dir);
        const terminal = connect({ url: sim.url, journal, reconnect: false, recovery: { auto: false } });
        try {
          const report = await terminal.reconcile();
          recovered.push(...report.flows.filter((f) => f.verdict === 'recovered').map((f) => f.flowId));
          expect(report.unresolved).toBe(0);
          await expectNothingLost(journal);
        } finally {
          terminal.close();
          await journal.close();
        }
      } else {
        const out = await cli(['reconcile', '--journal', dir, '--terminal', sim.url, '--json']);
        expect(out.code, out.stderr).toBe(0);
        const report = JSON.parse(out.stdout) as {
          unresolved: number;
          flows: { flowId: string; verdict: string }[];
        };
        expect(report.unresolved).toBe(0);
        recovered.push(...report.flows.filter((f) => f.verdict === 'recovered').map((f) => f.flowId));
        const journal = await openFileJournal(dir);
        try {
          await expectNothingLost(journal);
        } finally {
          await journal.close();
        }
      }
    }
    console.log(
      `crash test: ${sim.snapshot().batch.length} sales approved, recovered by reconciliation: ${recovered.join(', ')}`,
    );
    // The kills landed mid-flow: at least one sale was known only through reconciliation.
    expect(recovered.length).toBeGreaterThan(0);
    expect(sim.snapshot().batch.length).toBeGreaterThanOrEqual(3);
  });
});

function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
        stdout,
        stderr,
      });
    });
  });
}

function outcomeOf(flow: FlowSummary): JsonObject | undefined {
  return flow.reconciled?.verdict === 'recovered' ? (flow.reconciled.resource ?? flow.final) : flow.final;
}

function referenceOf(resource: JsonObject | undefined): string | undefined {
  const first: unknown = Array.isArray(resource?.results) ? resource.results[0] : undefined;
  if (typeof first !== 'object' || first === null) return undefined;
  const ref = (first as Record<string, unknown>).reference_no;
  return typeof ref === 'string' || typeof ref === 'number' ? String(ref) : undefined;
}
