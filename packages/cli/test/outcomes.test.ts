import { type RunningSimulator, startSimulator } from '@bluechip-ws/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../src/index.js';

/** What a POS script reads from the CLI is what the terminal reported: in-process runs of `runCli`. */
function bufferIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s), isTTY: false },
    env,
  };
  return {
    io,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    json: () => JSON.parse(out.join('')) as Record<string, unknown>,
  };
}

const AID = 'A0000000031010';
const INVOICE = '2026120100001234';
let sim: RunningSimulator;
let busy: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    eventDelayMs: 1,
    scenario: {
      rules: [
        // 7.77: approved for 5.00 only
        { match: { amount: 777 }, fields: { transaction_amount: '500', total_amount: '500' } },
        // 8.88: a chip read whose AID and invoice number are 12+ digit runs
        { match: { amount: 888 }, fields: { invoice_no: INVOICE, emv: { aid: AID, tvr: '0000008000' } } },
        { match: { amount: 203 }, outcome: 'error_event', errorInfo: { code: '13', code_extended: '4021' } },
      ],
    },
  });
  busy = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    scenario: { rules: [{ reject: 'TSI busy' }] },
  });
});
/** The terminal takes one client at a time: let the previous run's socket finish closing. */
async function idle(): Promise<void> {
  for (let i = 0; i < 100 && sim.snapshot().connections > 0; i++) await new Promise((r) => setTimeout(r, 20));
}
async function cli(args: readonly string[], buffer = bufferIo()): Promise<number> {
  await idle();
  return runCli(args, buffer.io);
}
beforeEach(idle);
afterAll(async () => {
  await sim?.close();
  await busy?.close();
});

describe('faithful outcomes in the CLI', () => {
  it('--json carries error_info (code, extended code, text) of an error event; stderr names them too', async () => {
    const out = bufferIo();
    expect(await cli(['sale', '--amount', '2.03', '--json', '--terminal', sim.url], out)).toBe(1);
    expect(out.json()).toMatchObject({
      outcome: 'error',
      status: 'error',
      error_info: { code: '13', code_extended: '4021', text: expect.stringContaining('JsonMapper') },
    });
    expect(out.stderr()).toMatch(/terminal error: ".*JsonMapper.*" \(code 13, extended 4021\)/);
    const human = bufferIo();
    await cli(['sale', '--amount', '2.03', '--terminal', sim.url], human);
    expect(human.stdout()).toMatch(/^error {2}sale {2}error ".+" {2}code 13 {2}extended 4021 {2}flow \d{6}/);
  });

  it('--json carries error_info of a refusal ("TSI busy")', async () => {
    const out = bufferIo();
    expect(await cli(['sale', '--amount', '1.00', '--json', '--terminal', busy.url], out)).toBe(5);
    expect(out.json()).toMatchObject({
      outcome: 'error',
      error: { code: 'terminal_busy' },
      error_info: { code: '0', text: 'TSI busy' },
    });
  });

  it('the EMV AID and a long invoice number are printed as sent; only the card number is masked', async () => {
    const json = bufferIo();
    expect(await cli(['sale', '--amount', '8.88', '--json', '--terminal', sim.url], json)).toBe(0);
    const result = json.json().result as Record<string, unknown>;
    expect(result.emv).toMatchObject({ aid: AID });
    expect(result.invoice_no).toBe(INVOICE);
    expect((result.card as { account_no: string }).account_no).toMatch(/^\*+\d{4}$/);
    const human = bufferIo();
    await cli(['sale', '--amount', '8.88', '--terminal', sim.url], human);
    expect(human.stdout()).toContain(`invoice_no: ${INVOICE}`);
    expect(human.stdout()).toMatch(/card \*+\d{4}/);
  });

  it('--verbose shows the EMV AID as sent in the frame log (it is not card data; receipts must show it)', async () => {
    const verbose = bufferIo();
    expect(await cli(['sale', '--amount', '8.88', '--verbose', '--terminal', sim.url], verbose)).toBe(0);
    const events = verbose
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('<< ') && line.includes('"aid"'));
    expect(events.length).toBeGreaterThan(0);
    for (const line of events) {
      expect(line).toContain(`"aid":"${AID}"`);
      expect(line).toContain(`"invoice_no":"${INVOICE}"`);
    }
  });

  it('a partial approval: both amounts in --json and the human line, exit code 6', async () => {
    const json = bufferIo();
    expect(await cli(['sale', '--amount', '7.77', '--json', '--terminal', sim.url], json)).toBe(6);
    expect(json.json()).toMatchObject({
      outcome: 'partially_approved',
      partial: { requested_amount: 777, approved_amount: 500 },
      result: { status: 'approved', transaction_amount: '500' },
    });
    expect(json.stderr()).toContain('partially approved: 5.00 of 7.77 requested; collect the remaining 2.77');
    const human = bufferIo();
    expect(await cli(['sale', '--amount', '7.77', '--terminal', sim.url], human)).toBe(6);
    expect(human.stdout()).toMatch(/^partially-approved {2}sale {2}5\.00 of 7\.77 requested {2}auth /);
  });

  it('a void of a reference the terminal cannot find is a refusal (not_found, exit 2)', async () => {
    const out = bufferIo();
    expect(await cli(['void', '--reference', '4242', '--json', '--terminal', sim.url], out)).toBe(2);
    expect(out.json()).toMatchObject({
      outcome: 'not_found',
      result: { status: 'transaction_record_not_found' },
    });
    expect(out.stderr()).toContain('refused: the terminal has no such transaction');
  });

  it('a sale or refund of 0 is refused before dialing', async () => {
    const before = sim.snapshot().batch.length;
    for (const command of ['sale', 'refund']) {
      const out = bufferIo();
      expect(await cli([command, '--amount', '0.00', '--json', '--terminal', sim.url], out)).toBe(1);
      expect(out.json()).toMatchObject({ flow_id: null, error: { code: 'invalid_amount' } });
      expect(out.stderr()).toContain('--amount must be more than 0.00: a payment of nothing is refused');
    }
    expect(sim.snapshot().batch.length).toBe(before);
  });
});
