import type { DriveHooks, DriveResult, PosDriver, SaleJob } from './job.js';
import type { ReportedOutcome } from './outcome.js';
import type { WireEntry, WireRecorder } from './wire.js';

/** Where the kit talks to the person at the POS. `ask` resolves undefined on no answer in `timeoutMs`. */
export interface OperatorIo {
  readonly stdout: { write(text: string): unknown };
  readonly ask?: (question: string, timeoutMs: number) => Promise<string | undefined>;
}

export interface InteractiveOptions {
  /** How long to wait for the POS's first request of a scenario. */
  readonly waitMs: number;
  /** The flow is taken as over after this long without a frame (the terminal idle). */
  readonly quietMs: number;
  /** How long to wait for the operator's answer. */
  readonly answerMs: number;
}

const ANSWERS: Readonly<Record<string, ReportedOutcome>> = {
  a: 'approved',
  d: 'declined',
  c: 'cancelled',
  t: 'timed_out',
  e: 'error',
  b: 'busy',
  u: 'unknown',
};

/** Reads an operator's answer: a letter or the word (`a`, `approved`…); undefined for anything else. */
export function parseAnswer(text: string | undefined): ReportedOutcome | undefined {
  const word = text?.trim().toLowerCase() ?? '';
  if (word === '') return undefined;
  const byLetter = ANSWERS[word];
  if (byLetter !== undefined) return byLetter;
  return Object.values(ANSWERS).find((o) => o === word || o.replace('_', ' ') === word);
}

/** The operator's answer; a failing prompt (closed stdin) counts as no answer. */
async function ask(
  prompt: NonNullable<OperatorIo['ask']>,
  question: string,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    return await prompt(question, timeoutMs);
  } catch {
    return undefined;
  }
}

/** The message of the first refused connection in the timeline, if any. */
function refusal(entries: readonly WireEntry[]): string | undefined {
  for (const e of entries) if (e.kind === 'log' && e.log.kind === 'connection_refused') return e.log.message;
  return undefined;
}

const lastFrameAt = (entries: readonly WireEntry[]) => {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.kind === 'frame') return entries[i]!.at;
  return undefined;
};

/**
 * Drives the POS through a person: prints "start a sale of 5.00 on your POS now", waits (bounded) for the
 * request and for the flow to go quiet, then asks what the POS showed.
 */
export function interactiveDriver(
  io: OperatorIo,
  recorder: WireRecorder,
  busy: () => boolean,
  options: InteractiveOptions,
): PosDriver {
  return {
    mode: 'interactive',
    async drive(job: SaleJob, hooks: DriveHooks): Promise<DriveResult> {
      const notes: string[] = [];
      const where =
        job.mode === 'single' ? `${job.url}/ (single-endpoint mode)` : `${job.url}/tsi/v1/payment`;
      io.stdout.write(
        `\n  >>> start a sale of ${job.amountText} on your POS now (terminal ${where}; order ${job.reference})\n` +
          `      waiting up to ${Math.round(options.waitMs / 1000)} s for the request…\n`,
      );
      const deadline = Date.now() + options.waitMs;
      const framed = (entries: readonly WireEntry[]) =>
        entries.some((e) => e.kind === 'frame' && e.direction === 'in');
      let requested = await recorder.waitFor(
        (entries) => framed(entries) || refusal(entries) !== undefined,
        options.waitMs,
      );
      const refused = refusal(recorder.timeline().entries);
      if (requested && refused !== undefined && !framed(recorder.timeline().entries)) {
        // Say it now, not after the whole wait: a POS whose previous connection is still open is refused.
        io.stdout.write(
          `      the terminal refused the POS's connection: ${refused}\n` +
            '      (it serves one client at a time: is a previous connection of the POS still open?)\n',
        );
        requested = await recorder.waitFor(framed, Math.max(0, deadline - Date.now()));
      }
      if (!requested) {
        notes.push(`no frame from the POS within ${options.waitMs} ms`);
        return { reported: undefined, attempts: [], notes };
      }
      // Over when the terminal is idle and the wire has been quiet a while (a POS may reconnect and recall).
      await recorder.waitFor((entries) => {
        const last = lastFrameAt(entries) ?? 0;
        return !busy() && Date.now() - last >= options.quietMs;
      }, options.waitMs);
      await hooks.settle();
      if (io.ask === undefined) {
        notes.push('no operator input (stdin is not a terminal): the reported outcome is not checked');
        return { reported: undefined, attempts: [], notes };
      }
      const answer = await ask(
        io.ask,
        '  What did your POS report? [a]pproved [d]eclined [c]ancelled [t]imed out [e]rror [b]usy [u]nknown ' +
          '(Enter to skip): ',
        options.answerMs,
      );
      const outcome = parseAnswer(answer);
      if (outcome === undefined) {
        notes.push('the operator gave no outcome: not checked');
        return { reported: undefined, attempts: [], notes };
      }
      return { reported: { outcome, source: 'operator' }, attempts: [], notes };
    },
  };
}
