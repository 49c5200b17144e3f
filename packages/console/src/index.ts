/** The public entry. The page builder and HTML template: `@bluechip-ws/console/internal`. */

export {
  CONSOLE_TERMINAL_ID,
  type ConsoleOptions,
  type RunningConsole,
  startConsole,
} from './console-server.js';
export { ConsoleBuildError, type PageAssets } from './page-assets.js';
