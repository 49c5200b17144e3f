/** Which way a frame travels: from the POS to the terminal, or back. */
export type Direction = 'toTerminal' | 'toPos';

export type FaultAction =
  /** The frame is lost. */
  | { readonly kind: 'drop' }
  /** The frame arrives `ms` later than it would have; frames sent after it may overtake it. */
  | { readonly kind: 'delay'; readonly ms: number }
  /**
   * The frame arrives twice, back to back. `copy` alters the second one: a terminal that sends a second,
   * different answer (a conflicting final) after the first.
   */
  | { readonly kind: 'duplicate'; readonly copy?: (frame: string) => string }
  /** The frame is held and arrives right after the next frame in the same direction (lost if the link closes first). */
  | { readonly kind: 'reorder' }
  /** The frame's text is replaced: by default truncated to half its length (so JSON no longer parses). */
  | { readonly kind: 'corrupt'; readonly replaceWith?: string | ((frame: string) => string) }
  /** The frame is delivered, then both sides close with `clean: false`, as when the network goes away. */
  | { readonly kind: 'disconnect'; readonly reason?: string; readonly code?: number };

export type FaultKind = FaultAction['kind'];

/**
 * One fault rule. It applies to a text frame when `match` (default: every frame) accepts it and a draw from the
 * network's seeded PRNG falls under `probability` (default 1: no draw is made). `index` counts the text frames
 * sent in this direction on this link pair, from 0.
 */
export interface FaultRule {
  readonly match?: (frame: string, index: number) => boolean;
  readonly probability?: number;
  readonly action: FaultAction;
}

/** Rules per direction; the first rule that applies to a frame wins (at most one fault per frame). */
export interface FaultPlan {
  readonly toTerminal?: readonly FaultRule[];
  readonly toPos?: readonly FaultRule[];
}

/** One fault as it was applied, for debugging chaos tests. */
export interface FaultReport {
  readonly pairId: number;
  readonly path: string;
  readonly direction: Direction;
  readonly index: number;
  readonly action: FaultAction;
  /** The frame as it was sent, before any corruption. */
  readonly frame: string;
  /** Scheduler time when the fault was applied. */
  readonly at: number;
}

/** Picks the fault for one frame, drawing from `random` only for rules that carry a probability. */
export function pickFault(
  rules: readonly FaultRule[] | undefined,
  frame: string,
  index: number,
  random: () => number,
): FaultAction | undefined {
  if (!rules) return undefined;
  for (const rule of rules) {
    if (rule.match && !rule.match(frame, index)) continue;
    if (rule.probability !== undefined && !(random() < rule.probability)) continue;
    return rule.action;
  }
  return undefined;
}

export function corrupt(frame: string, action: FaultAction & { kind: 'corrupt' }): string {
  const replace = action.replaceWith;
  if (typeof replace === 'string') return replace;
  if (typeof replace === 'function') return replace(frame);
  return frame.slice(0, Math.floor(frame.length / 2));
}
