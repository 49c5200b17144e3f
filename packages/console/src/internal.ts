/** Everything `@bluechip-ws/console` exports, plus its building blocks, for tests. No stability promise. */

export * from './index.js';
export { builtPage, pageHtml } from './page-assets.js';
