import { fill, h } from './dom.js';
import { money } from './format.js';
import type { BridgeClient } from './rpc.js';

interface Screen {
  readonly kind: string;
  readonly amount?: number;
  readonly type?: string;
  readonly flowId?: string;
  readonly deadline?: number;
  readonly timeoutMs?: number;
}

type Waiting = 'present_card' | 'enter_pin';
const BOTH: readonly Waiting[] = ['present_card', 'enter_pin'];

/** The customer's actions and the screens on which each applies (`always`: whatever the screen). */
const ACTIONS: readonly {
  action: string;
  label: string;
  hint: string;
  on?: readonly Waiting[];
  always?: boolean;
}[] = [
  { action: 'approve', label: 'Present card', hint: 'a test card is tapped: approved', on: ['present_card'] },
  {
    action: 'insert_card',
    label: 'Insert card',
    hint: 'a chip card is inserted: the terminal asks for the PIN',
    on: ['present_card'],
  },
  {
    action: 'enter_pin',
    label: 'Enter PIN',
    hint: 'the customer types the PIN: approved',
    on: ['enter_pin'],
  },
  { action: 'decline', label: 'Decline', hint: 'the card is declined' },
  { action: 'wrong_pin', label: 'Wrong PIN', hint: 'declined: incorrect PIN' },
  { action: 'cancel', label: 'Cancel', hint: 'the customer presses cancel' },
  { action: 'walk_away', label: 'Walk away', hint: 'the customer leaves: timeout on user input' },
  {
    action: 'pull_cable',
    label: 'Pull the cable',
    hint: 'the sale is approved, then the link drops before its result',
  },
  {
    action: 'busy',
    label: 'Terminal busy',
    hint: 'toggle: someone is at the terminal menu; requests are refused busy',
    always: true,
  },
];

const TEXT: Readonly<Record<string, [string, string]>> = {
  idle: ['WELCOME', 'bluechip simulator'],
  busy: ['TERMINAL BUSY', 'in the menu'],
  approved: ['APPROVED', 'thank you'],
  declined: ['DECLINED', 'please use another card'],
  wrong_pin: ['INCORRECT PIN', 'declined'],
  cancelled: ['CANCELLED', ''],
  timed_out: ['TIMEOUT', 'no card presented'],
  link_lost: ['CONNECTION LOST', 'result not sent'],
};

/** The customer's side: the terminal's screen and the customer's actions, on the interactive simulator. */
export function terminalView(client: BridgeClient, terminalId: string, onError: (e: unknown) => void) {
  const display = h('div', {
    class: 'screen',
    role: 'status',
    'aria-live': 'polite',
    'data-testid': 'screen',
  });
  const buttons = ACTIONS.map(({ action, label, hint, on, always }) =>
    h(
      'button',
      {
        type: 'button',
        class: `customer ${action}`,
        title: hint,
        'data-action': action,
        'data-on': always === true ? 'always' : (on ?? BOTH).join(' '),
        onclick: () => client.call('simulator.customer', { terminalId, action }).catch(onError),
      },
      label,
    ),
  );
  let timer: ReturnType<typeof setInterval> | undefined;
  const show = (screen: Screen) => {
    clearInterval(timer);
    display.dataset.kind = screen.kind;
    const waiting = screen.kind === 'present_card' || screen.kind === 'enter_pin';
    for (const b of buttons) {
      const on = (b.dataset.on ?? '').split(' ');
      (b as HTMLButtonElement).disabled = !on.includes('always') && !on.includes(screen.kind);
    }
    if (waiting) {
      const left = h('div', { class: 'small' });
      const tick = () => {
        const s = Math.max(0, Math.ceil(((screen.deadline ?? 0) - Date.now()) / 1000));
        left.textContent = `${screen.type ?? ''} · ${s} s left`;
      };
      tick();
      timer = setInterval(tick, 1000);
      fill(
        display,
        h('div', { class: 'amount' }, `$${money(screen.amount)}`),
        h('div', { class: 'big' }, screen.kind === 'enter_pin' ? 'Enter PIN' : 'Tap, insert or swipe'),
        screen.kind === 'enter_pin' ? h('div', { class: 'pin', 'aria-hidden': 'true' }, '● ● ● ●') : null,
        left,
      );
      return;
    }
    const [big, small] = TEXT[screen.kind] ?? [screen.kind.toUpperCase(), ''];
    fill(
      display,
      screen.amount === undefined ? null : h('div', { class: 'amount' }, `$${money(screen.amount)}`),
      h('div', { class: 'big' }, big),
      h('div', { class: 'small' }, small),
    );
  };
  show({ kind: 'idle' });
  const element = h(
    'section',
    { class: 'panel terminal', 'aria-labelledby': 'terminal-title' },
    h('h2', { id: 'terminal-title' }, 'Virtual terminal'),
    h('div', { class: 'device' }, display),
    h('h3', {}, 'Play the customer'),
    h('div', { class: 'actions', role: 'group', 'aria-label': 'customer actions' }, buttons),
  );
  return { element, show: (screen: unknown) => show(screen as Screen) };
}
