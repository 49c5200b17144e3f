import { fill, h } from './dom.js';
import type { BridgeClient } from './rpc.js';

interface FlowRecord {
  readonly flowId: string;
  readonly state: string;
  readonly type: string;
  readonly idempotencyKey?: string;
}
export interface ReconciledFlow {
  readonly flowId: string;
  readonly type: string;
  readonly verdict: string;
  readonly note?: string;
  readonly outcome?: { readonly kind?: string };
}

/** The journal's open and unknown flows, the reconcile button and the last reconciliation's verdicts. */
export function journalView(
  client: BridgeClient,
  terminalId: string,
  onError: (e: unknown) => void,
  onVerdicts: (flows: readonly ReconciledFlow[]) => void,
) {
  const list = h('ul', { class: 'open-flows', 'data-testid': 'open-flows' });
  const report = h('div', {
    class: 'report',
    role: 'status',
    'aria-live': 'polite',
    'data-testid': 'reconcile-report',
  });
  const refresh = async () => {
    try {
      const { flows } = await client.call<{ flows: FlowRecord[] }>('journal.openFlows', { terminalId });
      fill(
        list,
        flows.length === 0
          ? h('li', { class: 'small' }, 'No open flows.')
          : flows.map((f) =>
              h(
                'li',
                { 'data-flow': f.flowId },
                h('strong', {}, f.type),
                ` flow ${f.flowId} · ${f.state}`,
                f.idempotencyKey ? ` · key ${f.idempotencyKey}` : '',
              ),
            ),
      );
    } catch (error) {
      onError(error);
    }
  };
  // A run is announced to every caller (terminal.reconciled), the tester's own too: shown once.
  let manual = false;
  let lastAt: unknown;
  const show = (result: { at?: unknown; flows: readonly ReconciledFlow[] }, automatic: boolean) => {
    if (automatic && (manual || (lastAt !== undefined && result.at === lastAt))) return;
    lastAt = result.at;
    onVerdicts(result.flows);
    fill(
      report,
      automatic ? h('p', { class: 'small' }, 'Reconciled automatically:') : null,
      result.flows.length === 0
        ? 'Nothing to reconcile.'
        : h(
            'ul',
            {},
            result.flows.map((f) =>
              h(
                'li',
                { class: `verdict ${f.verdict}` },
                h('strong', {}, f.verdict),
                ` ${f.type} flow ${f.flowId}`,
                f.outcome?.kind ? `: ${f.outcome.kind}` : '',
                f.note ? ` (${f.note})` : '',
              ),
            ),
          ),
    );
  };
  const reconcile = async () => {
    button.disabled = true;
    manual = true;
    report.textContent = 'Reconciling…';
    try {
      show(await client.call<{ flows: ReconciledFlow[] }>('reconcile', { terminalId }), false);
    } catch (error) {
      report.textContent = `Reconcile failed: ${(error as Error).message}`;
    } finally {
      button.disabled = false;
      manual = false;
      await refresh();
    }
  };
  const button = h(
    'button',
    { type: 'button', id: 'reconcile', onclick: () => void reconcile() },
    'Reconcile',
  ) as HTMLButtonElement;
  const element = h(
    'section',
    { class: 'panel journal', 'aria-labelledby': 'journal-title' },
    h('h2', { id: 'journal-title' }, 'Journal'),
    h(
      'p',
      { class: 'small' },
      'Flows without a final result (running, or cut off): reconcile asks the terminal.',
    ),
    list,
    h('div', { class: 'row' }, button),
    report,
  );
  return {
    element,
    refresh,
    /** A reconciliation the library ran by itself (`terminal.reconciled`). */
    reconciled(value: unknown) {
      show(value as { flows: ReconciledFlow[] }, true);
      void refresh();
    },
  };
}
