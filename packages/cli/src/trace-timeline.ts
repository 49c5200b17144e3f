import type { FlowTimeline, TimelineMark } from '@bluechip-ws/client';

/**
 * `--trace`: a flow's timeline as lines for stderr, offsets from the operation's start: the request, the
 * terminal's `started`, each event and each ack with its latency, and how it ended. Pure, for tests.
 */
export function formatTimeline(timeline: FlowTimeline): string[] {
  const lines = [`trace: flow ${timeline.flowId} ${timeline.operation} on ${timeline.terminal}`];
  let startedAt: number | undefined;
  let sentAt: number | undefined;
  for (const mark of timeline.marks) {
    const offset = `+${formatMs(mark.at - timeline.beganAt)}`.padStart(10);
    lines.push(`  ${offset}  ${describe(mark, { sentAt, startedAt })}`);
    if (mark.name === 'request sent') sentAt = mark.at;
    if (mark.name === 'started') startedAt = mark.at;
  }
  return lines;
}

function describe(
  mark: TimelineMark,
  before: { readonly sentAt: number | undefined; readonly startedAt: number | undefined },
): string {
  switch (mark.name) {
    case 'started':
      return before.sentAt === undefined
        ? 'started'
        : `started                response after ${formatMs(mark.at - before.sentAt)}`;
    case 'event':
    case 'response': {
      const what = `${mark.name} ${mark.status ?? ''}`.padEnd(22);
      const final = mark.status !== 'proceed' && before.startedAt !== undefined;
      return final
        ? `${what} customer stage ${formatMs(mark.at - (before.startedAt as number))}`
        : what.trimEnd();
    }
    case 'ack':
      return mark.ackLatencyMs === undefined
        ? 'ack'
        : `ack                    ${formatMs(mark.ackLatencyMs)} after the event`;
    case 'final':
      return `final ${mark.code ?? ''}`.trimEnd();
    case 'failed':
      return `failed ${mark.code ?? ''}`.trimEnd();
    default:
      return mark.name;
  }
}

function formatMs(ms: number): string {
  const value = Math.max(0, ms);
  return value < 10
    ? `${value.toFixed(1)} ms`
    : value < 10_000
      ? `${Math.round(value)} ms`
      : `${(value / 1000).toFixed(1)} s`;
}
