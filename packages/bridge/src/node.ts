import { openFileJournal } from '@bluechip-ws/journal-file';
import {
  type CustomerAction,
  CustomerDesk,
  type CustomerScreen,
  parseScenario,
  type Scenario,
  startSimulator,
} from '@bluechip-ws/simulator';
import { BridgeError } from './errors.js';
import type { Json } from './outcome-json.js';
import type { BridgeHooks, SimulatorCustomer } from './terminals.js';

/**
 * Node-only parts of the bridge: the platform hooks (file journal, built-in simulator) and the carriers.
 * `@bluechip-ws/bridge` itself stays free of `node:` imports, for a browser console reusing the method table.
 */
export const nodeHooks: BridgeHooks = {
  openJournal: (dir) => openFileJournal(dir),
  startSimulator: async (spec) => {
    let scenario: Scenario | undefined;
    try {
      scenario = spec.scenario === undefined ? undefined : parseScenario(spec.scenario);
    } catch (error) {
      throw new BridgeError('invalid_params', `params.simulator.scenario: ${(error as Error).message}`, {
        path: 'params.simulator.scenario',
      });
    }
    const desk = spec.interactive
      ? new CustomerDesk(spec.customerTimeoutMs === undefined ? {} : { timeoutMs: spec.customerTimeoutMs })
      : undefined;
    const simulator = await startSimulator({
      ...(scenario === undefined ? {} : { scenario }),
      ...(desk === undefined ? {} : { customer: desk }),
      host: '127.0.0.1',
      port: 0,
      eventDelayMs: spec.eventDelayMs ?? 150,
      ...(spec.seed === undefined ? {} : { seed: spec.seed }),
    });
    return {
      url: simulator.url,
      close: () => simulator.close(),
      ...(desk === undefined ? {} : { customer: customerOf(desk) }),
    };
  },
};

/** The desk as the bridge sees it: plain JSON screens, deadlines in wall-clock milliseconds. */
function customerOf(desk: CustomerDesk): SimulatorCustomer {
  const json = (screen: CustomerScreen): Json => {
    const out: Record<string, Json> = {};
    for (const [key, value] of Object.entries(screen)) if (value !== undefined) out[key] = value as Json;
    if (screen.kind === 'present_card' || screen.kind === 'enter_pin') out.timeoutMs = desk.timeoutMs;
    return out;
  };
  return {
    act: (action) => desk.act(action as CustomerAction),
    screen: () => json(desk.screen),
    watch: (listener) => {
      const subscription = desk.screen$.subscribe((screen) => listener(json(screen)));
      return () => subscription.unsubscribe();
    },
  };
}

/** Re-exported so a Node program can take everything from this entry point. */
export { Bridge, type BridgeLogger, type BridgeOptions } from './bridge.js';
export { LineSplitter } from './carriers/line-splitter.js';
export { DEFAULT_MAX_MESSAGE_BYTES, type StdioOptions, serveStdio } from './carriers/stdio.js';
export {
  BRIDGE_SUBPROTOCOL,
  isLoopback,
  listenWebSocket,
  type WebSocketCarrier,
  type WebSocketCarrierOptions,
} from './carriers/websocket.js';
export { newToken, tokenFromFile } from './token.js';
