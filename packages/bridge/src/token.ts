import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A fresh bearer token: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The token in `file`, or a new one written there readable by the user only (0600, directory 0700). An
 * existing file keeps its token, so a binding configured with it keeps working across restarts.
 */
export async function tokenFromFile(file: string): Promise<{ token: string; created: boolean }> {
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length >= 16) return { token, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = newToken();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  // The mode of writeFile applies only to a new file; an existing (too short) one is tightened too.
  await chmod(file, 0o600);
  return { token, created: true };
}
