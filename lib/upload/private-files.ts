// The checkpoint directory is trusted the way ssh's StrictModes trusts ~/.ssh: only if nobody but
// its owner (this user) can put files in it, and nobody but this user or root can move it or a
// directory above it. A checkpoint names the upload id to continue and a lock decides who may
// drive it, so a directory others can write would let them steer or block this user's uploads.
// Every file read there is opened without following links or blocking, and checked on the open
// descriptor: a regular file, owned by this user.
import { constants, type Stats } from 'node:fs';
import { mkdir, open, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OssInvalidArgumentError } from '../errors.js';
import { kindOf } from '../hash/read-range.js';

const OPEN_PRIVATE_FILE = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;
const ROOT_UID = 0;

/** This process's user id, or undefined where the platform has none (Windows: checks skipped). */
function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function checkpointDirError(message: string): OssInvalidArgumentError {
  return new OssInvalidArgumentError('checkpointDir', message);
}

const USE_A_PRIVATE_DIR = 'use a private checkpoint directory (mode 0700, owned by you; --checkpoint-dir in the CLI)';

/**
 * Creates `dir` (mode 0700) if needed and checks that it and every directory above it are safe
 * from other users. Throws OssInvalidArgumentError('checkpointDir') saying why and what to do.
 */
export async function preparePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    throw checkpointDirError(`${dir} cannot be created (${error.code ?? error.message}); create it or ${USE_A_PRIVATE_DIR}`);
  });
  const uid = currentUid();
  const real = await realpath(dir);
  const leaf = await stat(real);
  if (!leaf.isDirectory()) throw checkpointDirError(`${dir} is ${kindOf(leaf)}, not a directory; ${USE_A_PRIVATE_DIR}`);
  if (uid === undefined) return;
  if (leaf.uid !== uid) {
    throw checkpointDirError(`${dir} belongs to another user (uid ${leaf.uid}); a checkpoint or lock there is not trusted, so ${USE_A_PRIVATE_DIR}`);
  }
  if ((leaf.mode & GROUP_OR_OTHER_WRITE) !== 0) {
    throw checkpointDirError(
      `${dir} is writable by other users (mode ${modeText(leaf)}): they could plant or replace a checkpoint or lock there, so none is trusted. ` +
        `Run \`chmod go-w ${dir}\` or ${USE_A_PRIVATE_DIR}`,
    );
  }
  // Above it, others may write only where the sticky bit stops them renaming what is not theirs (/tmp).
  for (let parent = dirname(real), child = real; parent !== child; child = parent, parent = dirname(parent)) {
    const above = await stat(parent);
    const foreign = above.uid !== uid && above.uid !== ROOT_UID;
    const movable = (above.mode & GROUP_OR_OTHER_WRITE) !== 0 && (above.mode & STICKY) === 0;
    if (foreign || movable) {
      const why = foreign ? `belongs to another user (uid ${above.uid})` : `is writable by other users without the sticky bit (mode ${modeText(above)})`;
      throw checkpointDirError(`${parent}, above the checkpoint directory ${dir}, ${why}: the directory could be swapped, so nothing in it is trusted; ${USE_A_PRIVATE_DIR}`);
    }
  }
}

/**
 * The text of a small file in the checkpoint directory (a checkpoint, a lock), or undefined when
 * there is none. Never follows a symlink nor blocks on a FIFO; anything but a regular file of
 * this user's is refused, naming `what` and the path.
 */
export async function readPrivateFile(path: string, what: string): Promise<string | undefined> {
  const handle = await open(path, OPEN_PRIVATE_FILE).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'ELOOP') throw checkpointDirError(`the ${what} ${path} is a symbolic link, which is never followed; remove it, or ${USE_A_PRIVATE_DIR}`);
    throw checkpointDirError(`the ${what} ${path} cannot be opened (${error.code ?? error.message}); remove it, or ${USE_A_PRIVATE_DIR}`);
  });
  if (!handle) return undefined;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw checkpointDirError(`the ${what} ${path} is ${kindOf(stats)}, not a file this program wrote; remove it, or ${USE_A_PRIVATE_DIR}`);
    const uid = currentUid();
    if (uid !== undefined && stats.uid !== uid) {
      throw checkpointDirError(`the ${what} ${path} belongs to another user (uid ${stats.uid}), so it is not trusted; remove it, or ${USE_A_PRIVATE_DIR}`);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** A local write in the checkpoint directory failed (no space, read-only, permissions): say where and what to do. */
export function checkpointWriteError(what: string, path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (!code) return error as Error;
  const hint =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'free some space there, or choose another checkpoint directory'
      : code === 'EROFS' || code === 'EACCES' || code === 'EPERM'
        ? 'make it writable, or choose another checkpoint directory'
        : 'check the checkpoint directory';
  return checkpointDirError(`cannot write the ${what} ${path} (${code}: ${(error as Error).message.replace(/^[A-Z]+: /, '')}); ${hint} (--checkpoint-dir in the CLI)`);
}

function modeText(stats: Stats): string {
  return (stats.mode & 0o7777).toString(8).padStart(4, '0');
}
