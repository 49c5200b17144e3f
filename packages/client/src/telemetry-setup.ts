import type { Telemetry } from './telemetry.js';

/**
 * What `connect({ telemetry })` needs to report flows: made by `openTelemetry()` from
 * `@bluechip-ws/client/telemetry`. A separate entry, so a page that reports nothing does not carry the
 * OpenTelemetry API (about 33 KB minified) in its bundle; this seam itself imports nothing at run time.
 */
export interface TelemetrySetup {
  /** The flows' reporter for one terminal, or undefined when there is nowhere to report (no SDK, no listener). */
  create(context: { readonly url?: string; readonly now?: () => number }): Telemetry | undefined;
}
