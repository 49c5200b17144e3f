import { parseSetDateTime } from '../clock.js';
import { reject } from '../plan.js';
import { stamp } from '../results.js';
import type { Handler } from './production.js';

/** Keys as Bluechip labels them, trailing colon (and sometimes a space) included (docs/protocol.md). */
const TERMINAL_INFO: Readonly<Record<string, string>> = {
  'Build Number:': '1805',
  'Device Type:': 'Move5000',
  'Flash Available:': '310 MB',
  'Flash Total:': '512 MB',
  'Hardware Serial Number:': '21187SIM0001',
  'Manager Ver:': '14.04.01',
  'OS Version:': '14.04.01',
  'Package Name:': 'BFN',
  'Package Version:': '6.0.3',
  'Power Shutdown Counter:': '0',
  'RAM Available:': '180 MB',
  'RAM Total:': '256 MB',
  'Reboot Counter:': '1',
  'SDK Version:': '14.04.01 PatchGH(b99)',
  'TSI library version: ': '3.2.2',
  'TSI version: ': '3.2.2',
  'Uptime:': '0d 01:00:00',
};

export const terminalInfo: Handler = (ctx) => ({
  results: [{ parameters: { ...TERMINAL_INFO }, status: 'receipt_information', ...stamp(ctx.state.clock) }],
});

/** Other info types (EMV parameters, SAF, printer…): a small `receipt_information` block. */
export const genericInfo: Handler = (ctx) => ({
  results: [
    {
      type: ctx.type,
      parameters: { 'Status:': 'OK', 'Source:': 'simulator' },
      status: 'receipt_information',
      ...stamp(ctx.state.clock),
    },
  ],
});

/** set_date_time: moves the terminal clock (used in every later result) once the final event goes out. */
export const setDateTime: Handler = (ctx) => {
  const { date, time } = ctx.resource;
  const target =
    typeof date === 'string' && typeof time === 'string' ? parseSetDateTime(date, time) : undefined;
  if (target === undefined) {
    return reject(
      `set_date_time: date must be YYMMDD and time HHMMSS of a real date, got ${JSON.stringify(date)} ${JSON.stringify(time)}`,
    );
  }
  return {
    results: [{ status: 'approved' }],
    record: (final) => {
      if (final?.status === 'approved') ctx.state.clock.set(target);
    },
  };
};

export const softwareUpdate: Handler = (ctx) => ({
  results: [
    {
      type: ctx.type,
      status: 'approved',
      host_response_text: 'NO UPDATE AVAILABLE',
      ...stamp(ctx.state.clock),
    },
  ],
});
