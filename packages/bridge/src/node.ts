import { openFileJournal } from '@bluechip-ws/journal-file';
import { parseScenario, type Scenario, startSimulator } from '@bluechip-ws/simulator';
import { BridgeError } from './errors.js';
import type { BridgeHooks } from './terminals.js';

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
    const simulator = await startSimulator({
      ...(scenario === undefined ? {} : { scenario }),
      host: '127.0.0.1',
      port: 0,
      eventDelayMs: spec.eventDelayMs ?? 150,
      ...(spec.seed === undefined ? {} : { seed: spec.seed }),
    });
    return { url: simulator.url, close: () => simulator.close() };
  },
};

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
