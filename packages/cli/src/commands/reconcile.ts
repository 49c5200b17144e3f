import { connect, type ReconciledFlow, type ReconcileReport, type Terminal } from '@bluechip-ws/client';
import type { Journal } from '@bluechip-ws/core';
import { formatAmount, maskCardNumbers } from '@bluechip-ws/protocol';
import { COMMON_USAGE, type Command, usageFailure } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { type Parsed, parseCommand, UsageError } from '../options.js';

const SUMMARY =
  "Settle the flows a file journal left open (crash, lost link) with the terminal's last transaction.";

/**
 * `bluechip reconcile --journal <dir>`: every open flow gets a verdict, journaled. Exit 0 when all are
 * settled, 4 when some stay unknown (the notes say what to check on the terminal), 1 on errors.
 */
export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: SUMMARY,
  usage: '--journal <dir> [--terminal <url>] [--json]',
  async run(argv, io) {
    let parsed: Parsed;
    try {
      parsed = parseCommand(argv, {}, io);
      if (parsed.common.help) {
        io.stdout.write(`Usage: bluechip reconcile ${this.usage}\n\n${SUMMARY}\n\n${COMMON_USAGE}\n`);
        return EXIT.ok;
      }
      if (parsed.common.journal === undefined) throw new UsageError('--journal <dir> is required');
    } catch (error) {
      return usageFailure(error, argv, io);
    }
    return reconcileJournal(parsed, parsed.common.journal, io);
  },
};

async function reconcileJournal(parsed: Parsed, dir: string, io: CliIo): Promise<number> {
  let journal: Journal | undefined;
  let terminal: Terminal | undefined;
  let code: number;
  try {
    const { openFileJournal } = await import('@bluechip-ws/journal-file');
    journal = await openFileJournal(dir);
    terminal = connect({
      url: parsed.common.terminal,
      journal,
      endpointMode: parsed.common.endpointMode,
      reconnect: false,
      recovery: {
        auto: false,
        ...(parsed.common.timeouts === undefined ? {} : { recallTimeouts: parsed.common.timeouts }),
      },
    });
    const report = await terminal.reconcile();
    write(report, io, parsed.common.json);
    code = report.unresolved > 0 ? EXIT.unknown : EXIT.ok;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const errorCode = (error as { code?: unknown }).code;
    if (parsed.common.json) {
      io.stdout.write(`${JSON.stringify({ error: { code: String(errorCode ?? 'error'), message } })}\n`);
    }
    io.stderr.write(`bluechip: reconcile failed: ${message}\n`);
    code = EXIT.error;
  } finally {
    terminal?.close();
  }
  try {
    await journal?.close();
  } catch (error) {
    io.stderr.write(`bluechip: the journal did not close cleanly: ${(error as Error).message}\n`);
  }
  return code;
}

function write(report: ReconcileReport, io: CliIo, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(maskCardNumbers(toJson(report)))}\n`);
    return;
  }
  if (report.flows.length === 0) {
    io.stdout.write('nothing to reconcile: no open flows in the journal\n');
    return;
  }
  // No card numbers in a line; long order keys and references are printed as they are.
  for (const flow of report.flows) io.stdout.write(`${line(flow)}\n`);
  if (report.unresolved > 0) {
    io.stderr.write(`bluechip: ${report.unresolved} flow(s) still unknown: check the terminal as noted\n`);
  }
}

/** `recovered  sale 12.34  flow 482913  key order-42  approved ref 7  (recall: ...)` */
function line(flow: ReconciledFlow): string {
  const parts = [
    flow.verdict,
    flow.amount === undefined ? flow.type : `${flow.type} ${formatAmount(flow.amount)}`,
  ];
  parts.push(`flow ${flow.flowId}`);
  if (flow.idempotencyKey !== undefined) parts.push(`key ${flow.idempotencyKey}`);
  if (flow.outcome !== undefined) {
    const ref = flow.outcome.result?.referenceNo;
    parts.push(ref === undefined ? flow.outcome.kind : `${flow.outcome.kind} ref ${ref}`);
  }
  parts.push(`(${flow.source}: ${flow.note})`);
  return parts.join('  ');
}

function toJson(report: ReconcileReport) {
  return {
    at: new Date(report.at).toISOString(),
    unresolved: report.unresolved,
    recall:
      report.recall === undefined ? null : { status: report.recall.status, flowId: report.recall.flowId },
    flows: report.flows.map((flow) => ({
      flowId: flow.flowId,
      type: flow.type,
      amount: flow.amount ?? null,
      idempotencyKey: flow.idempotencyKey ?? null,
      sentAt: flow.sentAt === undefined ? null : new Date(flow.sentAt).toISOString(),
      verdict: flow.verdict,
      source: flow.source,
      outcome: flow.outcome?.kind ?? null,
      referenceNo: flow.outcome?.result?.referenceNo ?? null,
      result: flow.outcome?.raw ?? null,
      note: flow.note,
    })),
  };
}
