import { h } from './dom.js';
import { journalView } from './journal-view.js';
import { BridgeClient, type BridgeClient as Client } from './rpc.js';
import { STYLES } from './styles.js';
import { terminalView } from './terminal-view.js';
import { Timeline } from './timeline.js';
import { timelineView } from './timeline-view.js';
import { workbench } from './workbench.js';

const meta = (name: string) =>
  document.querySelector<HTMLMetaElement>(`meta[name="bluechip-${name}"]`)?.content ?? '';

/** The console page: reads its bridge port from the page and its token from the URL fragment. */
async function start(): Promise<void> {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const terminalId = meta('terminal') || 'console';
  const simulated = meta('mode') !== 'terminal';
  const url = `ws://${location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname}:${meta('bridge-port')}`;
  document.head.append(h('style', {}, STYLES));
  const conn = h('span', { class: 'conn', role: 'status', 'data-testid': 'connection' }, 'connecting…');
  const errors = h('p', { class: 'small', role: 'alert' });
  document.body.replaceChildren(
    h(
      'header',
      {},
      h('h1', {}, 'bluechip console'),
      h('span', {}, simulated ? 'built-in simulator (interactive)' : 'real terminal'),
      conn,
    ),
    errors,
  );
  const client: Client = new BridgeClient(url, token);
  const onError = (error: unknown) => {
    errors.textContent = (error as Error).message;
  };
  try {
    await client.open(() => {
      conn.textContent = 'disconnected from the console server: reload the page';
    });
  } catch (error) {
    conn.textContent = 'not connected';
    errors.textContent = `${(error as Error).message}: open the exact URL \`bluechip console\` printed (it carries the token).`;
    return;
  }
  const timeline = timelineView(new Timeline());
  const journal = journalView(client, terminalId, onError, (flows) => timeline.settled(flows));
  const terminal = simulated ? terminalView(client, terminalId, onError) : undefined;
  const bench = workbench(client, terminalId, () => void journal.refresh());
  client.onNotification((method, params) => {
    if (params.terminalId !== terminalId) return;
    if (method === 'terminal.frame') timeline.frame(params as never);
    else if (method === 'simulator.screen') terminal?.show(params.screen);
    else if (method === 'terminal.state') {
      const kind = String((params.state as { kind?: string }).kind);
      conn.textContent = `terminal ${kind}`;
      if (kind === 'reconnecting' || kind === 'closed') timeline.linkLost();
    } else if (method === 'outcome.unclaimed')
      timeline.unclaimed(String(params.flowId), String(params.reason));
    else if (method === 'terminal.reconciled') journal.reconciled(params.report);
    if (method === 'flow.progress' || method === 'terminal.state') void journal.refresh();
  });
  document.body.append(
    h(
      'main',
      {},
      h('div', { class: 'col' }, terminal?.element ?? null, journal.element),
      h('div', { class: 'col' }, bench.element),
      h('div', { class: 'col' }, timeline.element),
    ),
  );
  const status = await client
    .call<{ state: { kind: string } }>('terminal.status', { terminalId })
    .catch(() => undefined);
  if (status !== undefined) conn.textContent = `terminal ${status.state.kind}`;
  if (terminal !== undefined) {
    const screen = await client.call<{ screen: unknown }>('simulator.screen', { terminalId }).catch(onError);
    if (screen) terminal.show(screen.screen);
  }
  await journal.refresh();
  document.body.dataset.ready = 'true';
}

void start();
