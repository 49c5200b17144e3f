import { parseArgs } from 'node:util';
import { connect, type Terminal, type TransactionOutcome } from '@bluechip-ws/client';
import { type OutcomeKind, parseAmount } from '@bluechip-ws/protocol';
import type { RunningSimulator } from '@bluechip-ws/simulator';
import type { Command } from '../command.js';
import { usageFailure } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../options.js';
import { reportError } from '../outcome-report.js';
import { summaryLine } from '../output.js';
import { ProgressReporter } from '../progress.js';

interface Step {
  readonly title: string;
  readonly expect: readonly OutcomeKind[];
  readonly run: (terminal: Terminal, previous: readonly TransactionOutcome[]) => Promise<TransactionOutcome>;
}

/** The demo script: each step's expected outcome kinds under the simulator's amount table. */
const STEPS: readonly Step[] = [
  { title: 'sale 12.34', expect: ['approved'], run: (t) => t.sale({ amount: parseAmount('12.34') }) },
  { title: 'terminal info', expect: ['completed'], run: (t) => t.terminalInfo() },
  {
    title: 'void of that sale',
    expect: ['approved'],
    run: (t, previous) => t.void({ referenceNo: previous[0]?.result?.referenceNo ?? '' }),
  },
  {
    title: 'sale 2.00 (the simulator declines it)',
    expect: ['declined'],
    run: (t) => t.sale({ amount: parseAmount('2.00') }),
  },
  { title: 'settlement', expect: ['approved', 'completed'], run: (t) => t.settlement() },
];

const USAGE = `Usage: bluechip demo [--endpoint-mode multi|single] [--event-delay-ms <n>] [--json] [--verbose]

Starts the built-in terminal simulator on a free loopback port, connects to it over WebSocket and runs a
sale, a terminal_info, a void of that sale, a declined sale (2.00) and a settlement, printing each step.
Exits 0 when every step ended as expected.
`;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run a sale, info, void, declined sale and settlement against the built-in simulator.',
  usage: '[--endpoint-mode multi|single] [--event-delay-ms <n>] [--json] [--verbose]',
  async run(argv, io) {
    let options: { mode: 'multi' | 'single'; delay: number; json: boolean; verbose: boolean };
    try {
      const { values } = parseArgs({
        args: [...argv],
        strict: true,
        options: {
          'endpoint-mode': { type: 'string' },
          'event-delay-ms': { type: 'string' },
          json: { type: 'boolean' },
          verbose: { type: 'boolean', short: 'v' },
          help: { type: 'boolean', short: 'h' },
        },
      });
      if (values.help === true) {
        io.stdout.write(USAGE);
        return EXIT.ok;
      }
      const mode = values['endpoint-mode'] ?? 'multi';
      if (mode !== 'multi' && mode !== 'single')
        throw new UsageError('--endpoint-mode must be multi or single');
      const delayText = values['event-delay-ms'] ?? '150';
      if (!/^\d{1,5}$/.test(delayText))
        throw new UsageError('--event-delay-ms must be an integer of milliseconds');
      options = {
        mode,
        delay: Number(delayText),
        json: values.json === true,
        verbose: values.verbose === true,
      };
    } catch (error) {
      return usageFailure(
        error instanceof UsageError ? error : new UsageError((error as Error).message),
        argv,
        io,
      );
    }
    return runDemo(options, io);
  },
};

async function runDemo(
  options: { mode: 'multi' | 'single'; delay: number; json: boolean; verbose: boolean },
  io: CliIo,
): Promise<number> {
  const say = (line: string) => {
    if (!options.json) io.stdout.write(`${line}\n`);
  };
  let sim: RunningSimulator;
  try {
    // Loaded on demand: other commands should not pay for the simulator at startup.
    const { startSimulator } = await import('@bluechip-ws/simulator');
    sim = await startSimulator({ host: '127.0.0.1', port: 0, eventDelayMs: options.delay });
  } catch (error) {
    io.stderr.write(`bluechip: cannot start the simulator: ${(error as Error).message}\n`);
    return EXIT.error;
  }
  const progress = new ProgressReporter(io);
  const terminal = connect({
    url: sim.url,
    endpointMode: options.mode,
    reconnect: false,
    timeouts: { responseMs: 5000, eventGapMs: 10_000, flowMs: 20_000 },
    ...(options.verbose ? { onFrame: (r) => progress.frameLine(r.direction, r.path, String(r.frame)) } : {}),
  });
  say(`bluechip demo: simulated terminal on ${sim.url} (endpoint mode ${options.mode})`);
  const done: TransactionOutcome[] = [];
  const steps: Record<string, unknown>[] = [];
  let failed = false;
  for (const [index, step] of STEPS.entries()) {
    const prefix = `${index + 1}/${STEPS.length} ${step.title}`;
    try {
      const outcome = await step.run(terminal, done);
      done.push(outcome);
      const ok = step.expect.includes(outcome.kind);
      steps.push({
        step: step.title,
        flow_id: outcome.flowId,
        outcome: outcome.kind,
        expected: step.expect,
        ok,
      });
      say(`${ok ? 'ok  ' : 'FAIL'} ${prefix}: ${summaryLine(outcome)}`);
      if (!ok) {
        say(`     expected ${step.expect.join(' or ')}, got ${outcome.kind}`);
        failed = true;
        break;
      }
    } catch (error) {
      const report = reportError(error, sim.url);
      steps.push({
        step: step.title,
        flow_id: report.flowId ?? null,
        outcome: report.outcome,
        error: report.error,
        ok: false,
      });
      say(`FAIL ${prefix}: ${report.message ?? 'failed'}`);
      failed = true;
      break;
    }
  }
  terminal.close();
  await sim.close();
  if (options.json)
    io.stdout.write(`${JSON.stringify({ outcome: failed ? 'failed' : 'ok', terminal: sim.url, steps })}\n`);
  if (failed) {
    io.stderr.write('bluechip: the demo did not go as expected\n');
    return EXIT.error;
  }
  say(`demo finished: all ${STEPS.length} steps ended as expected`);
  return EXIT.ok;
}
