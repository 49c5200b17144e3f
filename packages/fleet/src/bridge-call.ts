import type { Bridge, Json, RpcResponse } from '@bluechip-ws/bridge';
import { renderUntrusted } from '@bluechip-ws/protocol/internal';

/** What the agent gets back from one call through the bridge's dispatcher. */
export type CallAnswer = RpcResponse & { readonly result?: Json };

const PROGRESS_PREFIX = '{"jsonrpc":"2.0","method":"flow.progress"';
const NOTIFICATION_PREFIX = '{"jsonrpc":"2.0","method":';

/**
 * One request through the bridge's dispatcher, on a connection of its own: the same param decoding, handlers,
 * error codes and journaling as `bluechip serve`, with no second implementation. The connection's peer keeps
 * the answer and this call's `flow.progress`; terminal-wide notifications are skipped (the agent watches
 * them on one long-lived connection).
 */
export function callBridge(
  bridge: Bridge,
  method: string,
  params: Json,
  onProgress: (params: { [key: string]: Json }) => void = () => undefined,
  signal?: AbortSignal,
): Promise<CallAnswer> {
  return new Promise((resolve) => {
    const id = 1;
    // Every way out closes the connection: a connection left open stays in the bridge's set for ever, and
    // with it this call's params (a 900 KB payload per bad request, once).
    const finish = (answer: CallAnswer) => {
      connection.close();
      signal?.removeEventListener('abort', cancel);
      resolve(answer);
    };
    const connection = bridge.connect({
      send(text) {
        if (text.startsWith(PROGRESS_PREFIX)) {
          onProgress((JSON.parse(text) as { params: { [key: string]: Json } }).params);
          return;
        }
        if (text.startsWith(NOTIFICATION_PREFIX)) return;
        finish(JSON.parse(text) as CallAnswer);
      },
    });
    const cancel = () =>
      connection.receive(JSON.stringify({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id } }));
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      connection.receive(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    } catch (error) {
      // The dispatcher promises never to throw; if it does, this call still ends with one typed answer.
      finish({
        jsonrpc: '2.0',
        id,
        error: {
          code: -32603,
          message: `the bridge failed on ${method}: ${renderUntrusted((error as Error)?.message, { maxChars: 200 })}`,
          data: { code: 'internal_error', outcomeUnknown: true },
        },
      } as CallAnswer);
    }
  });
}
