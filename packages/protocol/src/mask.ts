const PAN = /\d{12,19}/g;

/**
 * Masks card-number-like digit runs (12 to 19 digits) in a frame or log line, keeping the last four, so
 * logs and verbose output never carry a full PAN. Terminals already mask (`************2205`); this is the
 * belt to their braces.
 */
export function maskPan(text: string): string {
  return text.replace(PAN, (digits) => `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`);
}
