// Bundled by esbuild for the browser test: the client from source, on the page's global WebSocket.
import { AmountError, type Cents, cents, connect } from '../../src/index.js';

declare global {
  interface Window {
    runDemo(url: string): Promise<{
      globalWebSocket: boolean;
      kinds: string[];
      reference: string | undefined;
      badAmount: string;
    }>;
  }
}

window.runDemo = async (url) => {
  const terminal = connect({ url });
  try {
    const sale = await terminal.sale({ amount: cents(1234) });
    const info = await terminal.terminalInfo();
    const voided = await terminal.void({ referenceNo: sale.result?.referenceNo ?? '' });
    const badAmount = await terminal.sale({ amount: 12.34 as Cents }).then(
      () => 'resolved',
      (e: unknown) => (e instanceof AmountError ? `AmountError ${e.code}` : String(e)),
    );
    return {
      globalWebSocket: typeof WebSocket === 'function',
      kinds: [sale.kind, info.kind, voided.kind],
      reference: sale.result?.referenceNo,
      badAmount,
    };
  } finally {
    terminal.close();
  }
};
