import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  CertifyError,
  type CertifyScenario,
  formatAmountForTest,
  runCertification,
} from './interactive-support.js';
import { FIXTURES } from './support.js';

describe('interactive mode', () => {
  it('prompts for each sale, checks the wire of whatever POS connects, and asks what it reported', async () => {
    let url = '';
    let current: CertifyScenario | undefined;
    const prompts: string[] = [];
    const questions: string[] = [];
    const report = await runCertification(
      {
        port: 0,
        timeScale: 0.01,
        ackTimeoutMs: 2000,
        only: ['approved', 'declined', 'drop-after-started'],
        interactive: { waitMs: 15_000, quietMs: 400, answerMs: 1000 },
        onProgress: (e) => {
          if (e.type === 'listening') url = e.url;
          if (e.type === 'scenario_started') current = e.scenario;
        },
      },
      {
        stdout: {
          write: (text: string) => {
            const match = /start a sale of ([\d.]+) on your POS now/.exec(text);
            if (match) {
              prompts.push(match[1]!);
              // The "person at the POS": the mini POS, started by hand as it were.
              spawn(
                process.execPath,
                [`${FIXTURES}correct-pos.mjs`, '--url', url, '--amount', match[1]!, '--mode', 'multi'],
                {
                  stdio: 'ignore',
                },
              );
            }
            return true;
          },
        },
        ask: async (question) => {
          questions.push(question);
          return current?.id === 'declined' ? 'd' : 'approved';
        },
      },
    );
    expect(prompts).toEqual([formatAmountForTest(500), formatAmountForTest(510), formatAmountForTest(600)]);
    expect(questions).toHaveLength(3);
    expect(report.mode).toBe('interactive');
    expect(report.results.map((r) => [r.scenario.id, r.passed, r.reported?.outcome])).toEqual([
      ['approved', true, 'approved'],
      ['declined', true, 'declined'],
      ['drop-after-started', true, 'approved'],
    ]);
  }, 60_000);

  it('without an operator the outcome is not checked; without a POS the wait is bounded', async () => {
    const report = await runCertification(
      {
        port: 0,
        timeScale: 0.01,
        only: ['approved'],
        interactive: { waitMs: 300, quietMs: 100, answerMs: 100 },
      },
      { stdout: { write: () => true } },
    );
    const [result] = report.results;
    expect(result!.reported).toBeUndefined();
    expect(result!.notes).toContain('no frame from the POS within 300 ms');
    expect(result!.passed).toBe(false);
    expect(result!.checks.find((c) => c.id === 'amounts')!.problems).toEqual([
      'the POS sent no sale request',
    ]);
    expect(result!.checks.find((c) => c.id === 'outcome')!.notes).toEqual([
      'no outcome reported to the kit: not checked',
    ]);
  });

  it('refuses bad options with a CertifyError before listening', async () => {
    const io = { stdout: { write: () => true } };
    await expect(runCertification({ only: ['nope'] }, io)).rejects.toThrow(CertifyError);
    await expect(runCertification({ port: 70000 }, io)).rejects.toThrow(/port must be/);
    await expect(runCertification({ timeScale: 0, port: 0 }, io)).rejects.toThrow(/time scale/);
    await expect(runCertification({ posCommand: '  ', port: 0 }, io)).rejects.toThrow(/empty/);
  });
});
