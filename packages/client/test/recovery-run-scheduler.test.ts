import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecoveryError } from '../src/index.js';
import { type RunResult, RunScheduler } from '../src/recovery/run-scheduler.js';

/** A job whose runs the test finishes by hand; each run's value is its 1-based index. */
interface ManualRun {
  readonly index: number;
  done: boolean;
  finish(again?: boolean): void;
  fail(error: Error): void;
}

function manualJob() {
  const runs: ManualRun[] = [];
  let active = 0;
  let maxActive = 0;
  const job = () =>
    new Promise<RunResult<number>>((resolve, reject) => {
      const index = runs.length + 1;
      active++;
      maxActive = Math.max(maxActive, active);
      const done = () => {
        active--;
        run.done = true;
      };
      const run: ManualRun = {
        index,
        done: false,
        finish: (again = false) => {
          done();
          resolve({ value: index, again });
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      runs.push(run);
    });
  return {
    job,
    runs,
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
    last() {
      const run = runs.at(-1);
      if (run === undefined) throw new Error('no run started');
      return run;
    },
  };
}

/** Lets the scheduler's promise chains move on (a run starts a microtask after it is asked for). */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await null;
}

describe('RunScheduler', () => {
  it('runs one job at a time: a request during a run starts only after it', async () => {
    const job = manualJob();
    const scheduler = new RunScheduler(job.job);
    const first = scheduler.request();
    await flush();
    const second = scheduler.request();
    await flush();
    expect(job.runs).toHaveLength(1);
    job.last().finish();
    expect(await first).toBe(1);
    await flush();
    expect(job.runs).toHaveLength(2);
    job.last().finish();
    expect(await second).toBe(2);
    expect(job.maxActive).toBe(1);
  });

  it('coalesces: every request made during a run shares exactly one more run', async () => {
    const job = manualJob();
    const scheduler = new RunScheduler(job.job);
    const first = scheduler.request();
    await flush();
    const during = [scheduler.request(), scheduler.request(), scheduler.request()];
    job.last().finish();
    await flush();
    job.last().finish();
    await flush();
    expect(job.runs).toHaveLength(2);
    expect(await first).toBe(1);
    expect(await Promise.all(during)).toEqual([2, 2, 2]);
  });

  it('a request after the queued run has started gets a run of its own', async () => {
    const job = manualJob();
    const scheduler = new RunScheduler(job.job);
    void scheduler.request();
    await flush();
    const queued = scheduler.request();
    job.last().finish();
    await flush();
    const later = scheduler.request();
    job.last().finish();
    await flush();
    job.last().finish();
    expect([await queued, await later]).toEqual([2, 3]);
  });

  it('a request while idle starts a run only after a microtask, never inside the caller', async () => {
    const job = manualJob();
    const scheduler = new RunScheduler(job.job);
    void scheduler.request();
    expect(job.runs).toHaveLength(0);
    await flush();
    expect(job.runs).toHaveLength(1);
    job.last().finish();
  });

  it('markDue makes settle run once; a run that starts afterwards clears it', async () => {
    const job = manualJob();
    const scheduler = new RunScheduler(job.job);
    expect(scheduler.idle).toBe(true);
    await scheduler.settle();
    expect(job.runs).toHaveLength(0);
    scheduler.markDue();
    expect(scheduler.idle).toBe(false);
    const settled = scheduler.settle();
    await flush();
    job.last().finish();
    await settled;
    expect(job.runs).toHaveLength(1);
    expect(scheduler.idle).toBe(true);
    await scheduler.settle();
    expect(job.runs).toHaveLength(1);
  });

  it('work marked due during a run stays due after it', async () => {
    const job = manualJob();
    const scheduler = new RunScheduler(job.job);
    const run = scheduler.request();
    await flush();
    scheduler.markDue();
    job.last().finish();
    await run;
    await flush();
    expect(scheduler.idle).toBe(false);
  });

  it('a run that leaves work (again) or fails leaves a run due', async () => {
    const job = manualJob();
    const scheduler = new RunScheduler(job.job);
    const again = scheduler.request();
    await flush();
    job.last().finish(true);
    await again;
    await flush();
    expect(scheduler.idle).toBe(false);

    const retried = scheduler.settle();
    await flush();
    job.last().fail(new Error('journal down'));
    await expect(retried).rejects.toThrow('journal down');
    await flush();
    expect(scheduler.idle).toBe(false);
  });

  it('settle while a run is running waits for it without starting another', async () => {
    const job = manualJob();
    const scheduler = new RunScheduler(job.job);
    void scheduler.request();
    await flush();
    let settled = false;
    const settling = scheduler.settle().then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    job.last().finish();
    await settling;
    expect(job.runs).toHaveLength(1);
  });

  it('tells each value to onValue after taking in what the run left due', async () => {
    const job = manualJob();
    const seen: [number, boolean][] = [];
    const scheduler: RunScheduler<number> = new RunScheduler(job.job, (value) =>
      seen.push([value, scheduler.idle]),
    );
    const run = scheduler.request();
    await flush();
    job.last().finish(true);
    await run;
    expect(seen).toEqual([[1, false]]);
  });

  it('close: new requests reject, a queued run never starts, the running one still answers', async () => {
    const job = manualJob();
    const scheduler = new RunScheduler(job.job);
    const running = scheduler.request();
    await flush();
    const queued = scheduler.request();
    queued.catch(() => undefined);
    scheduler.close();
    await expect(scheduler.request()).rejects.toMatchObject({ name: 'RecoveryError', code: 'closed' });
    job.last().finish();
    await flush();
    expect(job.runs).toHaveLength(1);
    expect(await running).toBe(1);
    await expect(queued).rejects.toBeInstanceOf(RecoveryError);
  });

  it('any interleaving: one run at a time, each answer from a run started after the call, nothing after close', async () => {
    const command = fc.constantFrom('request', 'settle', 'markDue', 'finish', 'finishAgain', 'fail', 'close');
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 40 }), async (commands) => {
        const job = manualJob();
        const scheduler = new RunScheduler(job.job);
        const answers: Promise<void>[] = [];
        let closedAtRun: number | undefined;
        const stale: string[] = [];
        const ask = (kind: 'request' | 'settle') => {
          const startedBefore = job.runs.length;
          const answer =
            kind === 'request'
              ? scheduler.request().then((value) => {
                  if (value <= startedBefore)
                    stale.push(`run ${value} answered a call made after ${startedBefore}`);
                })
              : scheduler.settle();
          // Rejections (a failed run, closed) are answers too; only stale values are wrong.
          answers.push(answer.catch(() => undefined));
        };
        const finishActive = (how: 'finish' | 'finishAgain' | 'fail') => {
          const run = job.runs.find((r) => !r.done);
          if (run === undefined) return;
          if (how === 'fail') run.fail(new Error('run failed'));
          else run.finish(how === 'finishAgain');
        };
        for (const step of commands) {
          if (step === 'request' || step === 'settle') ask(step);
          else if (step === 'markDue') scheduler.markDue();
          else if (step === 'close') {
            scheduler.close();
            closedAtRun ??= job.runs.length;
          } else finishActive(step);
          await flush();
          expect(job.active).toBeLessThanOrEqual(1);
        }
        // Drain: every answer settles once the runs asked for are finished (bounded: one run per call).
        for (let i = 0; i <= commands.length && job.active > 0; i++) {
          finishActive('finish');
          await flush();
        }
        expect(job.active).toBe(0);
        await Promise.all(answers);
        expect(stale).toEqual([]);
        expect(job.maxActive).toBeLessThanOrEqual(1);
        expect(job.runs.length).toBeLessThanOrEqual(
          commands.filter((c) => c === 'request' || c === 'settle').length,
        );
        if (closedAtRun !== undefined) expect(job.runs.length).toBeLessThanOrEqual(closedAtRun);
      }),
      { numRuns: 200 },
    );
  });
});
