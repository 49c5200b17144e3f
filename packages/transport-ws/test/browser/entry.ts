// Bundled by esbuild for the browser test: the transport's own source, with the browser's global WebSocket.
import { firstValueFrom } from 'rxjs';
import { createWsTransport } from '../../src/index.js';
import { runSaleExchange } from '../support/sale-exchange.js';

declare global {
  interface Window {
    runExchange(url: string, path: string): Promise<string[]>;
    oversizeClose(
      url: string,
      maxFrameBytes: number,
    ): Promise<{ reason: string; code?: number; clean: boolean }>;
  }
}

window.runExchange = (url, path) => runSaleExchange(createWsTransport({ url }), path);

window.oversizeClose = async (url, maxFrameBytes) => {
  const link = await firstValueFrom(createWsTransport({ url, maxFrameBytes }).open('/big'));
  const closed = firstValueFrom(link.closed$);
  link.send('send me something big');
  const { reason, code, clean } = await closed;
  return { reason, ...(code === undefined ? {} : { code }), clean };
};
