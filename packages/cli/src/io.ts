/** Where a command writes and what it may read: process streams in `bin`, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CliIo {
  tolerateClosedReader(process.stdout);
  tolerateClosedReader(process.stderr);
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/**
 * `bluechip … | head` closes the pipe early. The command must still run to its end (a sale in progress
 * finishes, is journaled and acked, and sets the exit code), so a reader that left is not an error: later
 * writes go nowhere. Any other stream error still surfaces.
 */
export function tolerateClosedReader(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}
