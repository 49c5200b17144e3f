import { REPORT_TYPES, type ReportType } from '@bluechip-ws/protocol';
import { type Command, operationCommand } from '../command.js';
import { str, UsageError } from '../options.js';

const reportTypes: ReadonlySet<string> = new Set(REPORT_TYPES);

export const infoCommands: readonly Command[] = [
  operationCommand({
    name: 'info',
    summary: 'Show terminal information (model, software versions, memory).',
    usage: '',
    operation: () => ({
      label: 'info',
      waiting: 'waiting for the terminal',
      start: (t, o) => t.terminalInfo$(o),
    }),
  }),
  operationCommand({
    name: 'set-time',
    summary: "Set the terminal's date and time (default: now, local time).",
    usage: '[--at <ISO date-time>] [--utc]',
    options: { at: { type: 'string' }, utc: { type: 'boolean' } },
    operation: ({ values }) => {
      const text = str(values.at);
      const at = text === undefined ? new Date() : new Date(text);
      if (Number.isNaN(at.getTime())) throw new UsageError(`--at must be an ISO date-time, got "${text}"`);
      const params = { at, utc: values.utc === true };
      return {
        label: `set-time ${at.toISOString()}`,
        waiting: 'waiting for the terminal',
        start: (t, o) => t.setDateTime$(params, o),
      };
    },
  }),
  operationCommand({
    name: 'report',
    summary: 'Print a terminal report (summary_report, detail_report, recent_error, ...).',
    usage: `<${REPORT_TYPES.join('|')}> [--parameter-type <all|clerk|...>] [--merchant <id>]`,
    positionals: 1,
    options: { 'parameter-type': { type: 'string' }, merchant: { type: 'string' } },
    operation: ({ values, positionals }) => {
      const type = positionals[0];
      if (type === undefined) throw new UsageError(`report needs a type: ${REPORT_TYPES.join(', ')}`);
      if (!reportTypes.has(type)) {
        throw new UsageError(`unknown report type "${type}"; one of ${REPORT_TYPES.join(', ')}`);
      }
      const params = { parameterType: str(values['parameter-type']), merchantId: str(values.merchant) };
      return {
        label: `report ${type}`,
        waiting: 'waiting for the terminal',
        start: (t, o) => t.report$(type as ReportType, params, o),
      };
    },
  }),
];
