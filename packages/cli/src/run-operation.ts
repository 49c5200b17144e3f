import {
  connect,
  FlowError,
  type Journal,
  type OperationOptions,
  type Progress,
  type Terminal,
  type TransactionOutcome,
} from '@bluechip-ws/client';
import { openTelemetry } from '@bluechip-ws/client/telemetry';
import type { Observable } from 'rxjs';
import type { CliIo } from './io.js';
import type { CommonOptions } from './options.js';
import { type CommandReport, reportError, reportOutcome } from './outcome-report.js';
import { writeReport } from './output.js';
import { ProgressReporter } from './progress.js';
import { dialedUrl } from './terminal-url.js';
import { formatTimeline } from './trace-timeline.js';

/** One operation as a command runs it: what to show while it runs, and how to start it. */
export interface OperationRun {
  /** `sale 12.34`, shown on the first progress line. */
  readonly label: string;
  /** Spinner text once the terminal started, e.g. "waiting for the card". */
  readonly waiting: string;
  readonly start: (terminal: Terminal, options: OperationOptions) => Observable<Progress>;
  /** `--key`: with `--journal`, a retry with the same key returns the first outcome instead of charging again. */
  readonly idempotencyKey?: string | undefined;
}

/** Opens a terminal handle for one command: no reconnection (one shot), frames on stderr with `--verbose`. */
export function openTerminal(common: CommonOptions, progress: ProgressReporter, journal?: Journal): Terminal {
  return connect({
    url: common.terminal,
    ...(journal === undefined ? {} : { journal }),
    endpointMode: common.endpointMode,
    reconnect: false,
    ...(common.timeouts === undefined ? {} : { timeouts: common.timeouts }),
    ws: { connectTimeoutMs: Math.min(5000, common.timeoutMs ?? 5000) },
    ...(common.trace
      ? { telemetry: openTelemetry({ onFlow: (timeline) => progress.traceLines(formatTimeline(timeline)) }) }
      : {}),
    ...(common.verbose
      ? {
          onFrame: (record) =>
            progress.frameLine(
              record.direction,
              record.path,
              typeof record.frame === 'string' ? record.frame : `<binary ${record.frame.byteLength} bytes>`,
            ),
        }
      : {}),
  });
}

/** Waits for the final outcome of one operation, reporting progress; rejects with its typed error. */
export function awaitOutcome(
  progress$: Observable<Progress>,
  progress: ProgressReporter,
  waiting: string,
): Promise<TransactionOutcome> {
  return new Promise((resolve, reject) => {
    let outcome: TransactionOutcome | undefined;
    progress$.subscribe({
      next: (p) => {
        progress.onProgress(p, waiting);
        if (p.type === 'final') {
          outcome = p.outcome;
          resolve(p.outcome);
        }
      },
      error: reject,
      complete: () => {
        if (outcome === undefined) {
          reject(
            new FlowError('bad_response', 'the flow ended without a final event', { outcomeUnknown: true }),
          );
        }
      },
    });
  });
}

/** The file journal of `--journal`, loaded on demand. Rejects with a `JournalError` (locked, unreadable). */
async function openJournal(dir: string | undefined): Promise<Journal | undefined> {
  if (dir === undefined) return undefined;
  const { openFileJournal } = await import('@bluechip-ws/journal-file');
  return openFileJournal(dir);
}

/** Runs one operation end to end and prints its outcome; resolves with the exit code. Ctrl-C aborts. */
export async function runOperation(common: CommonOptions, run: OperationRun, io: CliIo): Promise<number> {
  const progress = new ProgressReporter(io);
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted (SIGINT)'));
  process.once('SIGINT', onSigint);
  let terminal: Terminal | undefined;
  let journal: Journal | undefined;
  let report: CommandReport;
  let dialed: string | undefined;
  let watch: { unsubscribe(): void } | undefined;
  try {
    journal = await openJournal(common.journal);
    terminal = openTerminal(common, progress, journal);
    progress.step(`${run.label} -> ${common.terminal}`);
    // The URL each dial goes to, for the spinner and for an error that says what was dialed.
    watch = terminal.state$.subscribe((state) => {
      if (state.kind === 'connecting') {
        dialed = dialedUrl(common.terminal, state.path);
        progress.connecting(dialed);
      } else if (state.kind === 'open') progress.connected(dialedUrl(common.terminal, state.path));
    });
    const outcome = await awaitOutcome(
      run.start(terminal, {
        signal: controller.signal,
        ...(run.idempotencyKey === undefined ? {} : { idempotencyKey: run.idempotencyKey }),
      }),
      progress,
      run.waiting,
    );
    report = reportOutcome(outcome);
  } catch (error) {
    report = reportError(error, {
      terminal: common.terminal,
      source: common.terminalSource,
      ...(dialed === undefined ? {} : { dialed }),
      ...(common.journal === undefined ? {} : { journal: common.journal }),
      ...(common.journalSource === undefined ? {} : { journalSource: common.journalSource }),
    });
  } finally {
    process.off('SIGINT', onSigint);
    watch?.unsubscribe();
    progress.stop();
    terminal?.close();
  }
  try {
    // Flushes what the session appended after the outcome (the ack and the flow's end).
    await journal?.close();
  } catch (error) {
    io.stderr.write(`bluechip: the journal did not close cleanly: ${(error as Error).message}\n`);
  }
  writeReport(report, io, common.json);
  return report.exitCode;
}
