export {
  CONSOLE_TERMINAL_ID,
  type ConsoleOptions,
  type RunningConsole,
  startConsole,
} from './console-server.js';
export { builtPage, ConsoleBuildError, type PageAssets, pageHtml } from './page-assets.js';
