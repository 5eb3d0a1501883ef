// What identifies "the same file" between runs and during an upload: size, mtime, inode and the
// inode change time. The ctime is the one the others cannot fake: every write, rename over, or
// `touch -r`/`cp -p`/restore of the mtime sets it to now, and no unprivileged call sets it back.
// Identity alone decides only during a run and in resumeCheck 'identity'; by default a resume
// re-reads every part it keeps (see resume.ts), because no metadata proves the bytes are the same.
import { openForReading } from '../hash/read-range.js';

export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ino: number;
  /** Inode change time. Absent in checkpoints written before it was recorded: then unknown. */
  ctimeMs?: number | undefined;
}

/**
 * Opens the file for reading (so an unreadable file fails here, before any request, and a FIFO or
 * device never blocks) and returns its identity. Missing, special and unreadable files are
 * invalid arguments.
 */
export async function readFileIdentity(path: string): Promise<FileIdentity> {
  const { handle } = await openForReading(path);
  try {
    const stats = await handle.stat();
    return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, ctimeMs: stats.ctimeMs };
  } finally {
    await handle.close();
  }
}

/** Same size, mtime, inode and ctime; an unknown ctime (an old checkpoint) never matches. */
export function sameFileIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.ctimeMs !== undefined && a.ctimeMs === b.ctimeMs;
}

/** Why `now` is not the file that `then` described, for messages. */
export function describeFileChange(then: FileIdentity, now: FileIdentity): string {
  if (then.size !== now.size) return `its size changed from ${then.size} to ${now.size} bytes`;
  if (then.ino !== now.ino) return 'it was replaced by another file (inode changed)';
  if (then.mtimeMs !== now.mtimeMs) return `it was modified (mtime ${new Date(then.mtimeMs).toISOString()} → ${new Date(now.mtimeMs).toISOString()})`;
  if (then.ctimeMs === undefined) return 'the checkpoint predates the recording of the inode change time';
  // Same size, mtime and inode, yet a new ctime: written with its mtime set back (touch -r, cp -p), or chmod/chown/link.
  return `its inode status change time moved (${new Date(then.ctimeMs).toISOString()} → ${new Date(now.ctimeMs ?? 0).toISOString()}): written with the mtime set back, or its mode, owner or links changed`;
}
