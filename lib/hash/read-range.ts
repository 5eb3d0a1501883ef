// The one read loop for byte ranges of a file: fills a caller's buffer, retries short reads, and
// turns a file that ends early into a typed "the file changed" error. Shared by the range hashing
// (md5.ts) and the upload engine's reusable part buffers.
import { open, type FileHandle } from 'node:fs/promises';
import { OssCancelledError, OssInvalidArgumentError } from '../errors.js';

/** An open file and the path it was opened from (for messages). */
export interface OpenedFile {
  handle: FileHandle;
  path: string;
}

export function checkRange(start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new OssInvalidArgumentError('range', `${start}..${end} is not a byte range; need integers with 0 <= start <= end`);
  }
}

/** Opens `path` for reading; an OS error (ENOENT, EACCES, EISDIR...) becomes OssInvalidArgumentError. */
export async function openForReading(path: string): Promise<OpenedFile> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw fileError(error, path);
  });
  return { handle, path };
}

/**
 * Reads bytes [start, end) of `file` into `buffer` from offset 0 and returns the filled view.
 * A path is opened and closed around the read; an OpenedFile stays open. Throws
 * OssCancelledError when `signal` aborts, and OssInvalidArgumentError when the file ends early.
 */
export async function readFileRange(file: string | OpenedFile, start: number, end: number, buffer: Buffer, signal?: AbortSignal): Promise<Buffer> {
  checkRange(start, end);
  const length = end - start;
  if (buffer.length < length) throw new OssInvalidArgumentError('buffer', `${buffer.length} bytes cannot hold ${start}..${end}`);
  const path = typeof file === 'string' ? file : file.path;
  throwIfAborted(signal, path);
  if (typeof file !== 'string') return readInto(file, start, length, buffer, signal);
  const opened = await openForReading(file);
  try {
    return await readInto(opened, start, length, buffer, signal);
  } finally {
    await opened.handle.close();
  }
}

async function readInto(file: OpenedFile, start: number, length: number, buffer: Buffer, signal: AbortSignal | undefined): Promise<Buffer> {
  let filled = 0;
  while (filled < length) {
    throwIfAborted(signal, file.path);
    const { bytesRead } = await file.handle.read(buffer, filled, length - filled, start + filled).catch((error: unknown) => {
      throw fileError(error, file.path);
    });
    if (bytesRead === 0) {
      throw new OssInvalidArgumentError(
        'file',
        `${file.path} ends at byte ${start + filled} but bytes up to ${start + length} were expected; the file changed (was truncated) since the upload was planned. Restore the file or start the upload again`,
      );
    }
    filled += bytesRead;
  }
  return buffer.subarray(0, length);
}

export function throwIfAborted(signal: AbortSignal | undefined, path: string): void {
  if (signal?.aborted) throw new OssCancelledError(`Reading ${path} was cancelled`, { cause: signal.reason });
}

function fileError(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (!code) return error as Error;
  return new OssInvalidArgumentError('file', `${path} could not be read (${code}); check that it exists and is readable`);
}
