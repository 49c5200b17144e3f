import { formatAmount, maskPan } from '@bluechip-ws/protocol';

/** Cents as currency units ("12.34"); anything else as given. */
export function money(value: unknown): string {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? formatAmount(value) : '';
}

export function ms(value: number): string {
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

export function clock(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** JSON for display, card numbers masked. */
export function pretty(value: unknown): string {
  return maskPan(JSON.stringify(value, null, 2) ?? '');
}
