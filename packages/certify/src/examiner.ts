import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAmount } from '@bluechip-ws/protocol';
import { DEFAULT_HOST, type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { type CheckResult, type FlowIdRegistry, runChecks } from './checks.js';
import { playEarlierSale } from './earlier-sale.js';
import { CertifyError } from './errors.js';
import { type InteractiveOptions, interactiveDriver, type OperatorIo } from './interactive.js';
import type { Attempt, PosDriver, SaleJob } from './job.js';
import type { Reported } from './outcome.js';
import { commandDriver } from './pos-command.js';
import { type CertifyScenario, selectScenarios } from './scenarios.js';
import {
  DEFAULT_ACK_TIMEOUT_MS,
  DEFAULT_CUSTOMER_HOLD_MS,
  DEFAULT_TIME_SCALE,
  type Timing,
  timing,
} from './timing.js';
import { CITED_FRAME_CHARS, describeEntry, type WireEntry, WireRecorder } from './wire.js';

export const DEFAULT_CERTIFY_PORT = 50000;

export interface CertifyOptions {
  /** Default 127.0.0.1 (loopback). */
  readonly host?: string;
  /** Default 50000; 0 lets the OS choose (a POS command gets it as `{port}`/`{url}`). */
  readonly port?: number;
  /** Automatic mode: run per scenario. Without it, the kit asks a person (interactive mode). */
  readonly posCommand?: string;
  /** Scenario ids to run (default: all). */
  readonly only?: readonly string[];
  readonly timeScale?: number;
  readonly ackTimeoutMs?: number;
  /** Real milliseconds the customer takes in `slow-customer` (default 40 000; not scaled). */
  readonly customerHoldMs?: number;
  /** Extra runs of the POS command after it reported `unknown` (default 1). */
  readonly retries?: number;
  /** A POS command still running after this long is killed. Default: 60 s plus twice the longest wait. */
  readonly commandTimeoutMs?: number;
  readonly interactive?: Partial<InteractiveOptions>;
  /** Called as the run goes (live progress). */
  readonly onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { readonly type: 'listening'; readonly url: string; readonly total: number }
  | {
      readonly type: 'scenario_started';
      readonly index: number;
      readonly total: number;
      readonly scenario: CertifyScenario;
    }
  | {
      readonly type: 'scenario_finished';
      readonly index: number;
      readonly total: number;
      readonly result: ScenarioResult;
    };

export interface ScenarioResult {
  readonly scenario: CertifyScenario;
  readonly passed: boolean;
  readonly checks: readonly CheckResult[];
  /** Every check's warnings: a scenario that passed with any is shown as "pass with warnings". */
  readonly warnings: readonly string[];
  readonly reported: Reported | undefined;
  readonly attempts: readonly Attempt[];
  /** What was seen on the wire and in the terminal's log, one line each. */
  readonly wire: readonly string[];
  readonly notes: readonly string[];
  readonly durationMs: number;
}

export interface CertifyReport {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly url: string;
  readonly mode: 'command' | 'interactive';
  readonly posCommand: string | undefined;
  readonly timeScale: number;
  readonly ackTimeoutMs: number;
  readonly results: readonly ScenarioResult[];
  readonly passed: number;
  readonly failed: number;
}

/** The simulator the scenarios run on, restarted on the same port should a POS leave it stuck. */
class Stage {
  sim!: RunningSimulator;
  readonly recorder = new WireRecorder();

  constructor(private readonly host: string) {}

  async start(port: number): Promise<void> {
    try {
      this.sim = await startSimulator({ host: this.host, port, endpointMode: 'multi' });
    } catch (cause) {
      throw new CertifyError('listen_failed', (cause as Error).message, { cause });
    }
    this.recorder.attach(this.sim);
  }

  async restart(): Promise<void> {
    this.recorder.detach();
    await this.sim.close();
    await this.start(this.sim.port);
  }

  async close(): Promise<void> {
    if ((this.sim as RunningSimulator | undefined) === undefined) return; // never started
    this.recorder.detach();
    await this.sim.close();
  }

  /** Waits (bounded) until no flow runs and, when asked, no POS is connected. */
  async settle(boundMs: number, noConnections: boolean): Promise<boolean> {
    const idle = () => !this.sim.engine.busy && (!noConnections || this.sim.snapshot().connections === 0);
    const deadline = Date.now() + boundMs;
    while (!idle() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return idle();
  }
}

function checkOptions(options: CertifyOptions): void {
  const port = options.port ?? DEFAULT_CERTIFY_PORT;
  if (!(Number.isSafeInteger(port) && port >= 0 && port <= 65535)) {
    throw new CertifyError('bad_option', `port must be an integer from 0 to 65535, got ${port}`);
  }
  const retries = options.retries ?? 1;
  if (!(Number.isSafeInteger(retries) && retries >= 0 && retries <= 5)) {
    throw new CertifyError('bad_option', `retries must be an integer from 0 to 5, got ${retries}`);
  }
  if (options.posCommand !== undefined && options.posCommand.trim() === '') {
    throw new CertifyError('bad_option', 'the POS command is empty');
  }
}

/**
 * Runs the conformance suite: starts the simulator, plays each scenario against the POS (its command, or a
 * person at it), checks the wire, and resolves with the report. Rejects only with a `CertifyError` (bad
 * options, port in use); a failing POS is a report, never a rejection.
 */
export async function runCertification(options: CertifyOptions, io: OperatorIo): Promise<CertifyReport> {
  checkOptions(options);
  let t: Timing;
  let scenarios: readonly CertifyScenario[];
  try {
    t = timing(
      options.timeScale ?? DEFAULT_TIME_SCALE,
      options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS,
      options.customerHoldMs ?? DEFAULT_CUSTOMER_HOLD_MS,
    );
    scenarios = selectScenarios(options.only);
  } catch (cause) {
    throw new CertifyError('bad_option', (cause as Error).message, { cause });
  }
  const started = Date.now();
  const stage = new Stage(options.host ?? DEFAULT_HOST);
  await stage.start(options.port ?? DEFAULT_CERTIFY_PORT);
  const driver: PosDriver =
    options.posCommand === undefined
      ? interactiveDriver(io, stage.recorder, () => stage.sim.engine.busy, {
          waitMs: 120_000,
          quietMs: 3000,
          answerMs: 60_000,
          ...options.interactive,
        })
      : commandDriver({
          command: options.posCommand,
          timeoutMs: options.commandTimeoutMs ?? 60_000 + 2 * Math.max(t.scaled(60_000), t.customerHoldMs),
          retries: options.retries ?? 1,
        });
  // A flow the POS stopped acking ends after its resends; the bound leaves room for that.
  const settleMs = t.ackTimeoutMs * 3 + 2000;
  const runId = randomBytes(3).toString('hex');
  const flowIds: FlowIdRegistry = new Map();
  const byId = new Map<string, ScenarioResult>();
  const total = scenarios.length;
  const play = async (scenario: CertifyScenario, on: Stage) => {
    const index = scenarios.indexOf(scenario);
    options.onProgress?.({ type: 'scenario_started', index, total, scenario });
    const result = await playScenario(scenario, {
      stage: on,
      driver,
      t,
      flowIds,
      reference: `cert-${runId}-${scenario.id}`,
      settleMs,
    });
    byId.set(scenario.id, result);
    options.onProgress?.({ type: 'scenario_finished', index, total, result });
  };
  // A scenario holding the customer in real time runs beside the others (command mode: a person at one POS
  // makes one sale at a time), on a second terminal of its own, so the run is not slower for it.
  const aside = driver.mode === 'command' ? scenarios.filter((s) => s.holdsCustomer === true) : [];
  const asideStage = aside.length === 0 ? undefined : new Stage(options.host ?? DEFAULT_HOST);
  options.onProgress?.({ type: 'listening', url: stage.sim.url, total });
  try {
    await asideStage?.start(0);
    const besides = (async () => {
      for (const scenario of aside) await play(scenario, asideStage!);
    })();
    try {
      for (const scenario of scenarios) if (!aside.includes(scenario)) await play(scenario, stage);
    } finally {
      await besides;
    }
  } finally {
    await asideStage?.close();
    await stage.close();
  }
  const results = scenarios.map((s) => byId.get(s.id)!);
  const passed = results.filter((r) => r.passed).length;
  return {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    url: stage.sim.url,
    mode: driver.mode,
    posCommand: options.posCommand,
    timeScale: t.scale,
    ackTimeoutMs: t.ackTimeoutMs,
    results,
    passed,
    failed: results.length - passed,
  };
}

interface PlayContext {
  readonly stage: Stage;
  readonly driver: PosDriver;
  readonly t: Timing;
  readonly flowIds: FlowIdRegistry;
  readonly reference: string;
  readonly settleMs: number;
}

async function playScenario(scenario: CertifyScenario, ctx: PlayContext): Promise<ScenarioResult> {
  const { stage, t } = ctx;
  const command = ctx.driver.mode === 'command';
  const notes: string[] = [];
  const stateDir = await mkdtemp(join(tmpdir(), `bluechip-certify-${scenario.id}-`));
  try {
    const script = scenario.script(t);
    if (scenario.earlierSale !== undefined) {
      // Another customer pays first, so the terminal's last transaction is not this POS's sale.
      stage.sim.engine.setScenario({
        name: `${scenario.id} (the earlier customer)`,
        settings: { ...script.settings, endpointMode: 'multi' },
      });
      const played = await playEarlierSale(
        stage.sim.engine,
        scenario.earlierSale,
        `earlier-${ctx.reference}`,
      );
      if (!played) {
        notes.push(
          "the earlier customer's sale could not be played (a POS was still connected): the terminal's last " +
            'transaction may not be what the scenario says',
        );
      }
    }
    stage.sim.engine.setScenario({
      ...script,
      name: scenario.id,
      settings: { ...script.settings, endpointMode: scenario.endpointMode },
    });
    stage.recorder.begin();
    const origin = Date.now();
    const job: SaleJob = {
      scenario,
      amountText: formatAmount(scenario.amount),
      cents: scenario.amount,
      type: 'sale',
      reference: ctx.reference,
      url: stage.sim.url,
      host: stage.sim.host,
      port: stage.sim.port,
      mode: scenario.endpointMode,
      stateDir,
    };
    const settle = async () => {
      const idle = await stage.settle(ctx.settleMs, command);
      if (!idle)
        notes.push(`the terminal was still busy or connected ${ctx.settleMs} ms after the POS finished`);
      return idle;
    };
    const driven = await ctx.driver.drive(job, {
      settle: async () => {
        await settle();
      },
    });
    const idle = await settle();
    const { entries, dropped } = stage.recorder.timeline();
    const cited = new Set<WireEntry>();
    const checks = runChecks({
      cited,
      scenario,
      entries,
      origin,
      reported: driven.reported,
      ackBoundMs: t.ackTimeoutMs,
      flowIds: ctx.flowIds,
    });
    if (!idle) {
      // A flow or a connection the POS left hanging would make the next scenario "busy": start afresh.
      notes.push('the simulator was restarted on the same port');
      await stage.restart();
    }
    // A frame a problem points at is shown whole (bounded): what is wrong may be past the usual cut.
    const wire = entries.map((e) => describeEntry(e, origin, cited.has(e) ? CITED_FRAME_CHARS : undefined));
    if (dropped > 0) wire.push(`… ${dropped} more entries not kept`);
    return {
      scenario,
      passed: checks.every((c) => c.passed),
      checks,
      warnings: checks.flatMap((c) => c.warnings),
      reported: driven.reported,
      attempts: driven.attempts,
      wire,
      notes: [...driven.notes, ...notes],
      durationMs: Date.now() - origin,
    };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}
