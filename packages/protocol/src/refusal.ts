import type { ErrorInfo } from './resources/results.js';

/**
 * Why the terminal refused a request in its `response` (`status: "error"`): `busy` when another flow runs on
 * it (the Ingenico emulator says `error_info.text: "TSI busy"`, code "0": the text is the only signal known),
 * `refused` otherwise. This is the one place that reads the text; everything else uses the kind.
 */
export type RefusalKind = 'busy' | 'refused';

const BUSY_TEXT = /\bbusy\b/i;

export function refusalKind(errorInfo: ErrorInfo | undefined): RefusalKind {
  return errorInfo?.text !== undefined && BUSY_TEXT.test(errorInfo.text) ? 'busy' : 'refused';
}

/**
 * For records written before the kind was journaled: whether a refusal's message carried the terminal's
 * busy text.
 */
export function isBusyMessage(message: string): boolean {
  return BUSY_TEXT.test(message);
}
