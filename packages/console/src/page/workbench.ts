import { ENDPOINTS, TYPES_BY_ENDPOINT } from '@bluechip-ws/protocol';
import { fill, h } from './dom.js';
import { failureView } from './failure-view.js';
import { FieldError, type FieldSpec, type FormSpec, formFor, resourceFrom } from './form-fields.js';
import { pretty } from './format.js';
import { receipt } from './receipt.js';
import { type BridgeClient, RpcCallError } from './rpc.js';

type Endpoint = keyof typeof TYPES_BY_ENDPOINT;
const ENDPOINT_NAMES = Object.keys(TYPES_BY_ENDPOINT) as Endpoint[];

/** Sensible first values, so a newcomer can press Send at once. */
const DEFAULTS: Readonly<Record<string, string>> = { amount: '12.34' };

/**
 * The TSI workbench: endpoint and type pickers over every type the protocol package knows, a form built
 * from its parameter tables, and the outcome as a receipt and as JSON. Requests go through the bridge's
 * `raw` method: the form is the wire resource, checked here with the protocol's codecs first.
 */
export function workbench(client: BridgeClient, terminalId: string, onSettled: () => void) {
  const endpointSelect = h(
    'select',
    { id: 'wb-endpoint', name: 'endpoint' },
    ENDPOINT_NAMES.map((name) => h('option', { value: name }, `${name} (${ENDPOINTS[name]})`)),
  ) as HTMLSelectElement;
  const typeSelect = h('select', { id: 'wb-type', name: 'type' }) as HTMLSelectElement;
  const fieldsBox = h('div', { class: 'fields' });
  const moreBox = h('div', { class: 'fields' });
  const keyInput = h('input', {
    id: 'wb-key',
    name: 'idempotencyKey',
    autocomplete: 'off',
    placeholder: 'optional',
  }) as HTMLInputElement;
  const status = h('p', {
    class: 'status',
    role: 'status',
    'aria-live': 'polite',
    'data-testid': 'wb-status',
  });
  const outcomeBox = h('div', { class: 'outcome', 'data-testid': 'outcome' });
  const sendButton = h(
    'button',
    { type: 'submit', class: 'primary', id: 'wb-send' },
    'Send',
  ) as HTMLButtonElement;
  let form: FormSpec = formFor('sale');

  const input = (field: FieldSpec) => {
    const id = `f-${field.name}`;
    const common = {
      id,
      name: field.name,
      'aria-required': field.required,
      'aria-describedby': `${id}-hint`,
    };
    const control =
      field.kind === 'choice'
        ? h(
            'select',
            common,
            h('option', { value: '' }, '—'),
            (field.choices ?? []).map((c) => h('option', { value: c }, c)),
          )
        : field.kind === 'json'
          ? h('textarea', { ...common, rows: 2, placeholder: '{ }' })
          : h('input', {
              ...common,
              value: DEFAULTS[field.name] ?? '',
              inputmode: field.kind === 'amount' ? 'decimal' : undefined,
              autocomplete: 'off',
            });
    const hint =
      field.kind === 'amount'
        ? 'in currency units, e.g. 12.34'
        : field.kind === 'json'
          ? 'JSON object'
          : field.kind === 'choice'
            ? 'one of the listed values'
            : 'text';
    return h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: id, title: field.name },
        field.label,
        field.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
      ),
      control,
      h(
        'span',
        { id: `${id}-hint`, class: 'hint' },
        `${field.required ? 'required · ' : ''}${field.name} · ${hint}`,
      ),
    );
  };

  const pickType = (type: string) => {
    form = formFor(type);
    fill(
      fieldsBox,
      form.fields.length === 0 ? h('p', { class: 'small' }, 'No parameters needed.') : form.fields.map(input),
    );
    fill(moreBox, form.more.map(input));
  };
  const pickEndpoint = (name: Endpoint, type?: string) => {
    endpointSelect.value = name;
    fill(
      typeSelect,
      TYPES_BY_ENDPOINT[name].map((t) => h('option', { value: t }, t)),
    );
    typeSelect.value = type ?? TYPES_BY_ENDPOINT[name][0] ?? '';
    pickType(typeSelect.value);
  };
  endpointSelect.addEventListener('change', () => pickEndpoint(endpointSelect.value as Endpoint));
  typeSelect.addEventListener('change', () => pickType(typeSelect.value));

  const values = (root: HTMLElement) => {
    const map = new Map<string, string>();
    for (const el of Array.from(root.querySelectorAll<HTMLInputElement>('input, select, textarea'))) {
      el.removeAttribute('aria-invalid');
      map.set(el.name, el.value);
    }
    return map;
  };

  const send = async (event: Event) => {
    event.preventDefault();
    let resource: Record<string, unknown>;
    try {
      resource = resourceFrom(form, values(element));
    } catch (error) {
      if (error instanceof FieldError) {
        const el = element.querySelector<HTMLElement>(`[name="${error.field}"]`);
        el?.setAttribute('aria-invalid', 'true');
        el?.focus();
      }
      status.textContent = (error as Error).message;
      status.dataset.state = 'invalid';
      // The previous request's receipt must not sit under this error as if it were its result.
      fill(outcomeBox);
      return;
    }
    sendButton.disabled = true;
    status.dataset.state = 'running';
    status.textContent = `${form.type} sent: waiting for the terminal…`;
    fill(outcomeBox);
    const key = keyInput.value.trim();
    try {
      const outcome = await client.call('raw', {
        terminalId,
        endpoint: ENDPOINTS[endpointSelect.value as Endpoint],
        resource,
        ...(key === '' ? {} : { idempotencyKey: key }),
      });
      status.dataset.state = String(outcome.kind);
      status.textContent = `${form.type}: ${String(outcome.kind)}`;
      fill(outcomeBox, receipt(outcome), jsonView(outcome));
    } catch (error) {
      const rpc = error instanceof RpcCallError ? error.error : undefined;
      const view = failureView(rpc, error as Error);
      status.dataset.state = view.kind === 'unknown' ? 'unknown' : 'error';
      status.textContent = view.status;
      fill(
        outcomeBox,
        h(
          'div',
          {
            class: `banner ${view.kind === 'unknown' ? 'unknown' : 'error'}`,
            'data-testid': 'outcome-banner',
            'data-kind': view.kind,
          },
          view.title,
          rpc?.data?.code ? ` (${rpc.data.code})` : '',
          h('p', {}, view.detail),
        ),
        rpc === undefined ? null : jsonView(rpc),
      );
    } finally {
      sendButton.disabled = false;
      onSettled();
    }
  };

  const element = h(
    'form',
    { class: 'panel workbench', 'aria-labelledby': 'wb-title', onsubmit: (e: Event) => void send(e) },
    h('h2', { id: 'wb-title' }, 'Workbench'),
    h(
      'div',
      { class: 'pickers' },
      h('div', { class: 'field' }, h('label', { for: 'wb-endpoint' }, 'Endpoint'), endpointSelect),
      h('div', { class: 'field' }, h('label', { for: 'wb-type' }, 'Type'), typeSelect),
    ),
    fieldsBox,
    h('details', {}, h('summary', {}, 'More parameters'), moreBox),
    h('div', { class: 'field' }, h('label', { for: 'wb-key' }, 'Idempotency key'), keyInput),
    h('div', { class: 'row' }, sendButton, status),
    outcomeBox,
  );
  pickEndpoint('payment', 'sale');
  return { element };
}

function jsonView(value: unknown): HTMLElement {
  return h('details', { class: 'json' }, h('summary', {}, 'JSON'), h('pre', { tabindex: 0 }, pretty(value)));
}
