import { distance } from 'fastest-levenshtein';

/**
 * The known name closest to a mistyped one (`sael` → `sale`, `--amont` → `--amount`), or undefined when
 * none is close enough to be a likely typo: one edit for a word of up to 3
 * characters, two for a longer one (a swap of two letters is two edits).
 */
export function closestName(typed: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  // A typed word longer than any name is not a typo of one; bounding it keeps the work small.
  if (typed.length > 64) return undefined;
  for (const name of known) {
    const d = distance(typed, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  const limit = typed.length <= 3 ? 1 : 2;
  return bestDistance <= limit ? best : undefined;
}

/** `; did you mean "sale"?` or nothing. */
export function didYouMean(typed: string, known: Iterable<string>): string {
  const name = closestName(typed, known);
  return name === undefined ? '' : `; did you mean ${name}?`;
}
