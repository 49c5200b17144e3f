import { type FileHandle, open } from 'node:fs/promises';
import type { Durability } from './options.js';

/** Writes the whole buffer at the end of an append-mode file (a write may be partial). */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

export async function syncFile(handle: FileHandle, durability: Durability): Promise<void> {
  if (durability === 'fsync') await handle.sync();
  else if (durability === 'fdatasync') await handle.datasync();
}

/**
 * Makes a directory's entries (a created, renamed or deleted file) durable. Some platforms and file systems
 * cannot open or sync a directory (Windows among them); there the rename itself is all we get.
 */
export async function syncDir(dir: string, durability: Durability): Promise<void> {
  if (durability === 'none') return;
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!isCode(error, 'EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EBADF')) throw error;
  } finally {
    await handle?.close();
  }
}

export function isCode(error: unknown, ...codes: string[]): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    codes.includes(error.code)
  );
}
