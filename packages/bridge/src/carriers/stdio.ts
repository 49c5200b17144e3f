import type { Readable, Writable } from 'node:stream';
import type { Bridge } from '../bridge.js';
import { LineSplitter } from './line-splitter.js';

export interface StdioOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** Largest accepted line, in bytes (default 1 MiB). */
  readonly maxMessageBytes?: number;
  /** After the input ends, how long running calls may take to settle before the bridge closes (default 30 s). */
  readonly drainTimeoutMs?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * The stdio carrier: one JSON-RPC message per line, UTF-8, in both directions (a line that is not valid UTF-8
 * is refused with -32700). Resolves once the input ended
 * (the caller closed stdin or died), running calls settled (bounded by `drainTimeoutMs`), and the bridge
 * closed every terminal and journal.
 */
export function serveStdio(bridge: Bridge, options: StdioOptions): Promise<void> {
  const limit = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const { input, output } = options;
  let outputBroken = false;
  output.on('error', (error: Error) => {
    // EPIPE: the caller is gone. Its calls still finish and are journaled.
    outputBroken = true;
    bridge.logger.log('warn', `stdout: ${error.message}`);
  });
  // Backpressure: a caller that stops reading its replies stops being read. Nothing is dropped (a reply
  // is never lost), and what waits in memory is bounded by the calls already running.
  let waitingForDrain = false;
  const connection = bridge.connect({
    send: (text) => {
      if (outputBroken) return;
      if (!output.write(`${text}\n`) && !waitingForDrain) {
        waitingForDrain = true;
        input.pause();
        output.once('drain', () => {
          waitingForDrain = false;
          input.resume();
        });
      }
    },
  });
  const lines = new LineSplitter(
    limit,
    (line) => connection.receiveBytes(line),
    (bytes) => connection.refuseTooLarge(bytes, limit),
  );
  return new Promise<void>((resolve) => {
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      lines.end();
      bridge.logger.log('info', 'input closed');
      // Responses of calls that settle now still go out (stdout may be open even though stdin is closed).
      bridge.close(options.drainTimeoutMs).then(() => {
        connection.close();
        resolve();
      });
    };
    input.on('data', (chunk: Buffer | string) =>
      lines.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk),
    );
    input.once('end', end);
    input.once('close', end);
    input.once('error', (error: Error) => {
      bridge.logger.log('warn', `stdin: ${error.message}`);
      end();
    });
  });
}
