import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SCENARIOS, summaryTable } from '../src/index.js';
import { CertifyError, formatAmountForTest, runCertification } from './interactive-support.js';
import { FIXTURES } from './support.js';

/** The "person at the POS" starts the mini POS by hand, as it were; resolves with what it printed on exit. */
function runPos(url: string, amount: string): Promise<string> {
  const pos = spawn(
    process.execPath,
    [`${FIXTURES}correct-pos.mjs`, '--url', url, '--amount', amount, '--mode', 'multi'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  pos.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  return new Promise((resolve) => pos.on('close', () => resolve(out.trim())));
}

describe('interactive mode', () => {
  it('prompts for each sale, checks the wire of whatever POS connects, and asks what it reported', async () => {
    let url = '';
    const only = ['approved', 'declined', 'drop-after-started'];
    const prompts: string[] = [];
    const questions: string[] = [];
    // What the POS on screen shows: its report line, once it has finished (exited).
    let shown: Promise<string> | undefined;
    const report = await runCertification(
      {
        port: 0,
        timeScale: 0.01,
        ackTimeoutMs: 2000,
        only,
        interactive: { waitMs: 15_000, quietMs: 400, answerMs: 30_000 },
        onProgress: (e) => {
          if (e.type === 'listening') url = e.url;
        },
      },
      {
        stdout: {
          write: (text: string) => {
            const match = /start a sale of ([\d.]+) on your POS now/.exec(text);
            if (match) {
              prompts.push(match[1]!);
              shown = runPos(url, match[1]!);
            }
            return true;
          },
        },
        // The person answers once the POS shows its result, as a person would. The kit prompts the next
        // sale only after this answer, so the next POS starts after this one has hung up: the terminal serves
        // one client at a time, and a POS started while the previous one lingers is refused.
        ask: async (question) => {
          questions.push(question);
          const line = await shown;
          return (JSON.parse(line ?? '{}') as { outcome?: string }).outcome;
        },
      },
    );
    const asked = SCENARIOS.filter((s) => only.includes(s.id)).map((s) => formatAmountForTest(s.amount));
    expect(prompts).toEqual(asked);
    expect(questions).toHaveLength(3);
    expect(report.mode).toBe('interactive');
    expect(
      report.results.map((r) => [r.scenario.id, r.passed, r.reported?.outcome]),
      summaryTable(report),
    ).toEqual([
      ['approved', true, 'approved'],
      ['declined', true, 'declined'],
      ['drop-after-started', true, 'approved'],
    ]);
  }, 60_000);

  it('says at once when the terminal refuses the POS because another connection is still open', async () => {
    let holder: WebSocket | undefined;
    const out: string[] = [];
    const report = await runCertification(
      {
        port: 0,
        timeScale: 0.01,
        only: ['approved'],
        interactive: { waitMs: 3000, quietMs: 100, answerMs: 100 },
        onProgress: (e) => {
          // A previous POS instance still connected (one client at a time).
          if (e.type === 'listening') holder = new WebSocket(`${e.url}/tsi/v1/payment`);
        },
      },
      {
        stdout: {
          write: (text: string) => {
            out.push(text);
            const prompt = /start a sale of .* \(terminal (ws:\/\/[^ ;]+);/.exec(text);
            if (prompt) {
              // Once the holder is served, the POS's own connection is refused.
              const pos = () => new WebSocket(prompt[1]!).on('error', () => {});
              if (holder!.readyState === WebSocket.OPEN) pos();
              else holder!.once('open', pos);
            }
            return true;
          },
        },
      },
    );
    holder?.close();
    const said = out.join('');
    expect(said).toMatch(
      /the terminal refused the POS's connection: second connection on \/tsi\/v1\/payment refused with 409.*\n.*is a previous connection of the POS still open\?/,
    );
    const [result] = report.results;
    expect(result!.checks.find((c) => c.id === 'envelopes')!.problems).toEqual([
      expect.stringMatching(/connection refused: second connection on \/tsi\/v1\/payment refused with 409/),
    ]);
  });

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
