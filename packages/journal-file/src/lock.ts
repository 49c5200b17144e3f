import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JournalError } from '@bluechip-ws/core';
import { isCode } from './fs-util.js';

export const LOCK_FILE = 'LOCK';

export interface DirectoryLock {
  /** Set when a stale lock was taken over: the dead owner's pid, or what the unreadable lock held. */
  readonly tookOverFrom: string | undefined;
  release(): Promise<void>;
}

const ATTEMPTS = 3;
/** Makes temporary names unique when one process opens several journals at once. */
let attemptCounter = 0;

/**
 * Takes the directory's lock file, which holds the owner's pid. The file appears complete or not at all (it
 * is written under a temporary name, then hard-linked into place, which fails if a lock exists). A lock whose
 * pid is no longer alive is stale and taken over. Limit: a pid reused by an unrelated live process (after a
 * reboot, say) looks alive; remove the LOCK file by hand then.
 */
export async function acquireLock(dir: string): Promise<DirectoryLock> {
  const path = join(dir, LOCK_FILE);
  const content = `${process.pid}\n`;
  let tookOverFrom: string | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await tryCreate(dir, path, content)) {
      return { tookOverFrom, release: () => releaseLock(path, content) };
    }
    const holder = await readHolder(path);
    if (holder === undefined) continue;
    if (holder.pid !== undefined && isAlive(holder.pid)) {
      throw new JournalError('locked', `journal ${dir} is locked by live process ${holder.pid}`);
    }
    // Dead owner, or content that no writer of ours produces: stale.
    tookOverFrom =
      holder.pid === undefined ? JSON.stringify(holder.text.slice(0, 40)) : `process ${holder.pid}`;
    await unlink(path).catch((error: unknown) => {
      if (!isCode(error, 'ENOENT')) throw error;
    });
  }
  throw new JournalError('locked', `could not take the lock of journal ${dir}: it keeps changing hands`);
}

async function tryCreate(dir: string, path: string, content: string): Promise<boolean> {
  const temp = join(dir, `${LOCK_FILE}.${process.pid}.${attemptCounter++}.tmp`);
  await writeFile(temp, content);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** The lock's content and the pid it names, or undefined if the lock vanished meanwhile. */
async function readHolder(path: string): Promise<{ text: string; pid: number | undefined } | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    const pid = Number(text.trim());
    return { text, pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined };
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isCode(error, 'EPERM');
  }
}

async function releaseLock(path: string, content: string): Promise<void> {
  try {
    // Only remove a lock that is still ours.
    if ((await readFile(path, 'utf8')) === content) await unlink(path);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
}
