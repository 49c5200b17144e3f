/**
 * The cost of `candidate` relative to `baseline`, measured in adjacent pairs. On a shared VM the speed of
 * the whole machine drifts by tens of percent within seconds, so two separate timings (even best-of-rounds)
 * compare different machines. Each pair times one block through the baseline and the same block through the
 * candidate back to back (the order alternating); the median of the per-pair ratios, with its quartiles,
 * is what drift cannot move much. Bounded: `pairs` pairs (after `warmup` uncounted ones).
 */
export function pairedRatio({ baseline, candidate, nextBlock, pairs = 61, warmup = 5 }) {
  const ratios = [];
  for (let pair = -warmup; pair < pairs; pair++) {
    const block = nextBlock();
    globalThis.gc?.();
    let base;
    let cand;
    if (pair % 2 === 0) {
      base = time(baseline, block);
      cand = time(candidate, block);
    } else {
      cand = time(candidate, block);
      base = time(baseline, block);
    }
    if (pair >= 0) ratios.push(cand / base);
  }
  return { ...quartiles(ratios), pairs: ratios.length };
}

/** Median and quartiles of per-pair ratios (sorts `values` in place). */
export function quartiles(values) {
  values.sort((a, b) => a - b);
  const at = (q) => values[Math.min(values.length - 1, Math.floor(q * values.length))];
  return { median: at(0.5), q1: at(0.25), q3: at(0.75) };
}

function time(run, block) {
  const started = process.hrtime.bigint();
  run(block);
  return Number(process.hrtime.bigint() - started);
}
