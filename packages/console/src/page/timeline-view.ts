import { fill, h } from './dom.js';
import { clock, ms } from './format.js';
import type { FlowTrack, FrameNote, Timeline } from './timeline.js';

/** Frames kept in the log, at most. */
const MAX_FRAMES = 500;

/** The flows' timelines and the frame log with its filter, both newest first. */
export function timelineView(timeline: Timeline) {
  const flowsBox = h('ol', {
    class: 'flows',
    'data-testid': 'timeline',
    'aria-label': 'flows, newest first',
  });
  const filter = h('input', {
    id: 'frame-filter',
    type: 'search',
    placeholder: 'flow id, type, text…',
    autocomplete: 'off',
  }) as HTMLInputElement;
  const log = h('ol', {
    class: 'frames',
    'data-testid': 'frames',
    tabindex: 0,
    'aria-label': 'frame log, newest first',
  });
  const frames: FrameNote[] = [];

  const flowItem = (track: FlowTrack) => {
    const warnings = warningsOf(track);
    return h(
      'li',
      { class: warnings === undefined ? 'flow' : 'flow warned', 'data-flow': track.flowId },
      h(
        'div',
        { class: 'flow-head' },
        h('strong', {}, track.type ?? '?'),
        ` flow ${track.flowId}`,
        warnings === undefined
          ? null
          : h(
              'span',
              { class: 'mark warn', 'data-testid': 'flow-warning', title: warnings },
              'with warnings',
            ),
        track.unclaimed === undefined
          ? null
          : h('span', { class: 'mark unclaimed' }, `unclaimed: ${track.unclaimed}`),
        h(
          'button',
          { type: 'button', class: 'link', onclick: () => exportFlow(track.flowId) },
          'Export JSON',
        ),
      ),
      h(
        'ol',
        { class: 'entries' },
        track.entries.map((e) =>
          h(
            'li',
            { class: `entry ${e.kind}`, 'data-kind': e.kind },
            h('span', { class: 'time' }, `+${ms(e.offsetMs)}`),
            h('span', { class: 'what' }, e.summary),
            e.ackLatencyMs === undefined
              ? null
              : h('span', { class: 'latency' }, `ack after ${ms(e.ackLatencyMs)}`),
            e.marks.map((m) => h('span', { class: `mark ${m}` }, m)),
          ),
        ),
      ),
    );
  };

  const exportFlow = (flowId: string) => {
    const json = timeline.exportFlow(flowId);
    if (json === undefined) return;
    const a = h('a', {
      href: URL.createObjectURL(new Blob([json], { type: 'application/json' })),
      download: `flow-${flowId}.json`,
    });
    a.click();
    setTimeout(() => URL.revokeObjectURL((a as HTMLAnchorElement).href), 10_000);
  };

  const renderFlows = () =>
    fill(
      flowsBox,
      timeline.flows.size === 0
        ? h(
            'li',
            { class: 'hint', 'data-testid': 'timeline-empty' },
            'No flows yet. Send a sale from the workbench, then play the customer on the virtual terminal: ' +
              'each request, event and ack appears here, newest first.',
          )
        : [...timeline.flows.values()].reverse().map(flowItem),
    );
  const renderLog = () => {
    const needle = filter.value.trim().toLowerCase();
    fill(
      log,
      frames
        .filter((f) => needle === '' || f.text.toLowerCase().includes(needle) || f.path.includes(needle))
        .reverse()
        .map((f) =>
          h(
            'li',
            { class: `frame ${f.direction}` },
            h('span', { class: 'time' }, clock(f.at)),
            h('span', { class: 'dir' }, f.direction === 'out' ? 'POS →' : '← TRM'),
            h('code', {}, f.text),
          ),
        ),
    );
  };
  filter.addEventListener('input', renderLog);
  renderFlows();

  const element = h(
    'section',
    { class: 'panel timeline', 'aria-labelledby': 'tl-title' },
    h('h2', { id: 'tl-title' }, 'Flow timeline'),
    flowsBox,
    h('h3', {}, h('label', { for: 'frame-filter' }, 'Frames'), ' (card numbers masked)'),
    filter,
    log,
  );
  return {
    element,
    frame(note: FrameNote) {
      frames.push(note);
      if (frames.length > MAX_FRAMES) frames.splice(0, frames.length - MAX_FRAMES);
      timeline.add(note);
      renderFlows();
      renderLog();
    },
    linkLost() {
      if (timeline.linkLost(Date.now()).length > 0) renderFlows();
    },
    settled(flows: readonly { flowId: string; verdict: string; outcome?: { kind?: string } }[]) {
      for (const f of flows) {
        timeline.settled(
          f.flowId,
          f.outcome?.kind ? `${f.verdict}, ${f.outcome.kind}` : f.verdict,
          Date.now(),
        );
      }
      renderFlows();
    },
    unclaimed(flowId: string, reason: string) {
      timeline.markUnclaimed(flowId, reason);
      renderFlows();
    },
  };
}

/**
 * A flow that reached its outcome only after the terminal had to resend (or sent a copy again after the ack):
 * it passed, with warnings a POS developer should look at. Undefined when there is nothing to say.
 */
function warningsOf(track: FlowTrack): string | undefined {
  const counts = new Map<string, number>();
  for (const entry of track.entries) {
    for (const mark of entry.marks) {
      if (mark !== 'unclaimed') counts.set(mark, (counts.get(mark) ?? 0) + 1);
    }
  }
  if (counts.size === 0) return undefined;
  return [...counts].map(([mark, n]) => `${n} ${mark}${n === 1 ? '' : 's'}`).join(', ');
}
