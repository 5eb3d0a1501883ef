// The one read loop for byte ranges of a file: fills a caller's buffer, retries short reads, and
// turns a file that ends early into a typed "the file changed" error. Shared by the range hashing
// (md5.ts), the upload engine's hash-ahead reader and senders, and a single PutObject's buffer.
// A ByteSource (bytes that are not a file's, such as the bench's generated data) is read through
// the same calls.
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { OssCancelledError, OssInvalidArgumentError } from '../errors.js';

/** An open file and the path it was opened from (for messages). */
export interface OpenedFile {
  handle: FileHandle;
  path: string;
}

/**
 * Bytes read by range like a file's, without a file: what `resumableUploadFromSource()` uploads
 * (`oss-resumable bench` uploads seeded pseudo-random bytes so, with no disk read and no temp
 * file). The same range must always give the same bytes: a retry reads it again.
 */
export interface ByteSource {
  /** What the bytes are, for messages (where a file would give its path). */
  readonly name: string;
  /** Total bytes. */
  readonly size: number;
  /** Fills `into`, which is exactly `end - start` bytes long, with bytes [start, end). */
  fill(start: number, end: number, into: Buffer): void | Promise<void>;
}

/** Where range reads come from: a file's path, an open file, or a ByteSource. */
export type RangeReadable = string | OpenedFile | ByteSource;

export function isByteSource(from: RangeReadable): from is ByteSource {
  return typeof from === 'object' && 'fill' in from;
}

/** The path or the source's name, for messages. */
export function nameOf(from: RangeReadable): string {
  if (typeof from === 'string') return from;
  return isByteSource(from) ? from.name : from.path;
}

/** What to open again for a later read: the path of an open file, or the source itself. */
export function pathOrSource(from: RangeReadable): string | ByteSource {
  return typeof from === 'object' && !isByteSource(from) ? from.path : from;
}

/** Chunk size of a ByteSource streamed as a request body (parts too large to buffer). */
const SOURCE_STREAM_CHUNK = 1024 * 1024;

/** Bytes [start, end) of a source as a stream, generated chunk by chunk as it is read. */
export function byteSourceStream(source: ByteSource, start: number, end: number): Readable {
  checkSourceRange(source, start, end);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let position = start; position < end; position += SOURCE_STREAM_CHUNK) {
      const chunk = Buffer.allocUnsafe(Math.min(SOURCE_STREAM_CHUNK, end - position));
      await source.fill(position, position + chunk.length, chunk);
      yield chunk;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

function checkSourceRange(source: ByteSource, start: number, end: number): void {
  checkRange(start, end);
  if (end > source.size) throw new OssInvalidArgumentError('range', `${start}..${end} is past the end of ${source.name} (${source.size} bytes)`);
}

export function checkRange(start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new OssInvalidArgumentError('range', `${start}..${end} is not a byte range; need integers with 0 <= start <= end`);
  }
}

/**
 * O_NONBLOCK: opening a FIFO with no writer (or a device) would otherwise block the thread for
 * good, and the process with it (it cannot exit while a libuv thread hangs in open()). It changes
 * nothing for a regular file, whose reads never block in that sense.
 */
const OPEN_WITHOUT_BLOCKING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Opens `path` for reading without ever blocking, and makes sure what was opened is a regular
 * file (checked on the open descriptor, so a path swapped after a check cannot slip through).
 * Missing, unreadable and special files are OssInvalidArgumentError naming the path.
 */
export async function openForReading(path: string): Promise<OpenedFile> {
  const handle = await open(path, OPEN_WITHOUT_BLOCKING).catch((error: unknown) => {
    throw openError(error, path);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new OssInvalidArgumentError('file', `${path} is ${kindOf(stats)}, not a regular file; give the path of a regular file`);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return { handle, path };
}

/** What a non-regular file is, for messages. */
export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return stats.isFile() ? 'a regular file' : 'not a regular file';
}

function openError(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return new OssInvalidArgumentError('file', `${path} does not exist; check the path of the file to upload`);
    case 'EISDIR':
      return new OssInvalidArgumentError('file', `${path} is a directory; give the path of a regular file`);
    case 'EACCES':
    case 'EPERM':
      return new OssInvalidArgumentError('file', `${path} is not readable (${code}); check its permissions`);
    default:
      return fileError(error, path);
  }
}

/**
 * Reads bytes [start, end) of `file` into `buffer` from offset 0 and returns the filled view.
 * A path is opened and closed around the read; an OpenedFile stays open; a ByteSource fills it. Throws
 * OssCancelledError when `signal` aborts, and OssInvalidArgumentError when the file ends early.
 */
export async function readFileRange(file: RangeReadable, start: number, end: number, buffer: Buffer, signal?: AbortSignal): Promise<Buffer> {
  checkRange(start, end);
  const length = end - start;
  if (buffer.length < length) throw new OssInvalidArgumentError('buffer', `${buffer.length} bytes cannot hold ${start}..${end}`);
  throwIfAborted(signal, nameOf(file));
  if (isByteSource(file)) {
    checkSourceRange(file, start, end);
    const into = buffer.subarray(0, length);
    await file.fill(start, end, into);
    return into;
  }
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
