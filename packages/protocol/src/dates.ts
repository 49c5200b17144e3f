/**
 * Result dates are `YY/MM/DD` and times `HH:MM:SS` (docs/protocol.md: the order is inferred, not confirmed).
 * Callers keep the raw strings; a parse is a convenience only.
 */

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

export interface DateFormatOptions {
  /** Use UTC fields instead of local time (default false: terminals show local time). */
  readonly utc?: boolean;
}

export function formatTransactionDate(d: Date, options?: DateFormatOptions): { date: string; time: string } {
  const utc = options?.utc === true;
  const year = utc ? d.getUTCFullYear() : d.getFullYear();
  const month = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const day = utc ? d.getUTCDate() : d.getDate();
  const h = utc ? d.getUTCHours() : d.getHours();
  const m = utc ? d.getUTCMinutes() : d.getMinutes();
  const s = utc ? d.getUTCSeconds() : d.getSeconds();
  return { date: `${pad(year % 100)}/${pad(month)}/${pad(day)}`, time: `${pad(h)}:${pad(m)}:${pad(s)}` };
}

/** Parses `YY/MM/DD` (+ optional `HH:MM:SS`) as local time in 2000–2099; `undefined` when malformed. */
export function parseTransactionDate(date: string, time?: string): Date | undefined {
  const d = /^(\d{2})\/(\d{2})\/(\d{2})$/.exec(date);
  if (d === null) return undefined;
  const t = time === undefined ? ['', '0', '0', '0'] : /^(\d{2}):(\d{2}):(\d{2})$/.exec(time);
  if (t === null) return undefined;
  const [year, month, day] = [2000 + Number(d[1]), Number(d[2]), Number(d[3])];
  const [h, m, s] = [Number(t[1]), Number(t[2]), Number(t[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || m > 59 || s > 59) return undefined;
  const result = new Date(year, month - 1, day, h, m, s);
  return result.getDate() === day ? result : undefined;
}

/** `set_date_time` parameters (docs/protocol.md): `YYMMDD` and `HHMMSS`. */
export function formatSetDateTime(d: Date, options?: DateFormatOptions): { date: string; time: string } {
  const { date, time } = formatTransactionDate(d, options);
  return { date: date.replaceAll('/', ''), time: time.replaceAll(':', '') };
}
