// One process drives a checkpoint at a time: the lock file is created exclusively and holds the
// owner's pid; a lock left by a dead process (crash, kill -9) on this host is taken over, and
// the temp files such a process may have left next to it are removed.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { link, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { OssError } from '../errors.js';
import { checkpointWriteError, readPrivateFile } from './private-files.js';

/** Another live process is uploading with the same checkpoint. */
export class OssUploadLockedError extends OssError {
  override name = 'OssUploadLockedError';
  override readonly kind = 'OssUploadLockedError';
  /** The lock file. */
  readonly lockPath: string;
  /** The process holding it, when the lock file names one. */
  readonly pid: number | undefined;
  /** The message says to wait, or to delete the lock if no such upload runs. */
  constructor(lockPath: string, pid: number | undefined) {
    super(
      `Another process${pid ? ` (pid ${pid})` : ''} is already uploading this file to this key (lock ${lockPath}). ` +
        'Wait for it to finish; if no such upload is running, delete the lock file and try again',
    );
    this.lockPath = lockPath;
    this.pid = pid;
  }
}

export interface HeldLock {
  readonly path: string;
  /** Deletes the lock if it is still ours. */
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

const TAKEOVER_ATTEMPTS = 5;
/** `<lock>.new-<pid>-<hex>`: the complete lock, written before it is linked into place. */
const NEW_MARKER = '.new-';
/** `<lock>.stale-<pid>-<hex>`: a stale lock moved aside while it is taken over. */
const STALE_MARKER = '.stale-';
/**
 * Either temp file lives for the few milliseconds of write-link-unlink or rename-read-unlink; one
 * older than this was left by a killed process, even if its pid now belongs to another process.
 */
export const LOCK_TEMP_MAX_AGE_MS = 10 * 60_000;

export async function acquireLock(path: string): Promise<HeldLock> {
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
  const content = JSON.stringify(owner);
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    if (await createExclusive(path, content)) {
      await removeAbandonedTempFiles(path);
      return heldLock(path, content);
    }
    const existing = await readPrivateFile(path, 'lock'); // a directory, FIFO or another user's file: refused, named
    if (existing === undefined) continue; // released between our create and read: try again
    const holder = parseOwner(existing);
    if (holder && isAlive(holder)) throw new OssUploadLockedError(path, holder.pid);
    await removeStaleLock(path, existing);
  }
  throw new OssUploadLockedError(path, undefined);
}

/** Creates the lock with its content in one step (link of a complete temp file), so nobody sees it half-written. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = `${path}${NEW_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw checkpointWriteError('lock', path, error);
  } finally {
    await unlink(temp).catch(() => {}); // also after a failed write (ENOSPC leaves it empty)
  }
}

/**
 * Moves the stale lock aside rather than unlinking it, so that of two processes taking over at
 * once only one removes it; if what we moved turns out to be a fresh lock, we put it back.
 */
async function removeStaleLock(path: string, staleContent: string): Promise<void> {
  const aside = `${path}${STALE_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== staleContent) await link(aside, path).catch(() => {});
  await unlink(aside).catch(() => {});
}

/**
 * Temp files of this lock left by a process killed between creating and removing them. Both kinds
 * hold an owner record: a file whose owner is dead (or that is old) is debris; one of a live
 * process, or still being written (no complete record yet) and young, is left alone.
 */
async function removeAbandonedTempFiles(path: string): Promise<void> {
  const dir = dirname(path);
  const prefixes = [NEW_MARKER, STALE_MARKER].map((marker) => `${basename(path)}${marker}`);
  const names = await readdir(dir).catch(() => [] as string[]);
  const temps = names.filter((name) => prefixes.some((prefix) => name.startsWith(prefix))).map((name) => join(dir, name));
  await Promise.all(
    temps.map(async (temp) => {
      if (await isAbandoned(temp)) await unlink(temp).catch(() => {});
    }),
  );
}

async function isAbandoned(temp: string): Promise<boolean> {
  const [text, stats] = await Promise.all([readPrivateFile(temp, 'lock temp file').catch(() => undefined), stat(temp).catch(() => undefined)]);
  if (text === undefined || stats === undefined) return false; // already gone
  const owner = parseOwner(text);
  if (owner && !isAlive(owner)) return true;
  return Date.now() - stats.mtimeMs > LOCK_TEMP_MAX_AGE_MS;
}

function heldLock(path: string, content: string): HeldLock {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      const current = await readFile(path, 'utf8').catch(() => undefined);
      if (current === content) await unlink(path).catch(() => {});
    },
  };
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(value.pid) && typeof value.host === 'string') return value as LockOwner;
  } catch {
    // not written by this program: nobody to ask, so it counts as stale
  }
  return undefined;
}

/** A lock from another host cannot be checked, so it counts as alive. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
