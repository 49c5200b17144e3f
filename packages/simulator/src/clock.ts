/**
 * The terminal's wall clock as shown in results. It runs on an injected `now` (virtual time in tests) and
 * `set_date_time` moves it by keeping an offset, so it keeps ticking after being set.
 */
export class TerminalClock {
  private offsetMs = 0;

  constructor(private readonly base: () => Date) {}

  now(): Date {
    return new Date(this.base().getTime() + this.offsetMs);
  }

  set(target: Date): void {
    this.offsetMs = target.getTime() - this.base().getTime();
  }
}

/** `YYYY-MM-DD hh:mm:ss`, the `error_info.time` format of the emulator (docs/protocol.md), in local time. */
export function formatErrorTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `YYMMDD` + `HHMMSS` (set_date_time parameters) as a local date, or undefined when not a real date. */
export function parseSetDateTime(date: string, time: string): Date | undefined {
  const d = /^(\d{2})(\d{2})(\d{2})$/.exec(date);
  const t = /^(\d{2})(\d{2})(\d{2})$/.exec(time);
  if (d === null || t === null) return undefined;
  const [year, month, day] = [2000 + Number(d[1]), Number(d[2]), Number(d[3])];
  const [h, m, s] = [Number(t[1]), Number(t[2]), Number(t[3])];
  if (month < 1 || month > 12 || h > 23 || m > 59 || s > 59) return undefined;
  const result = new Date(year, month - 1, day, h, m, s);
  return result.getDate() === day ? result : undefined;
}
