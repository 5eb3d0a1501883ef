// MD5 (Content-MD5 / part ETags) through hash-wasm, streamed so a part is never held in memory whole.
import { open } from 'node:fs/promises';
import { createCRC64, createMD5, md5, type IHasher } from 'hash-wasm';
import { OssCancelledError, OssInvalidArgumentError } from '../errors.js';
import { crcHexToDecimal } from './crc64.js';
import { HasherPool } from './hasher-pool.js';

/** Read size: large enough that syscalls and wasm calls are amortised, small enough to stay in cache. */
const READ_CHUNK_BYTES = 1024 * 1024;
const MD5_BASE64 = /^[A-Za-z0-9+/]{22}==$/;

const md5Pool = new HasherPool(createMD5);
const crc64Pool = new HasherPool(() => createCRC64());

export interface Md5Digest {
  base64: string;
  /** Upper-case hex, the form OSS uses in ETags. */
  hex: string;
}

export interface FileRangeDigest extends Md5Digest {
  /** Unsigned decimal CRC-64 of the range; only when asked for with `{ crc64: true }`. */
  crc64?: string;
}

function digestOf(bytes: Uint8Array): Md5Digest {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { base64: buffer.toString('base64'), hex: buffer.toString('hex').toUpperCase() };
}

function throwIfAborted(signal: AbortSignal | undefined, path: string): void {
  if (signal?.aborted) throw new OssCancelledError(`Hashing ${path} was cancelled`, { cause: signal.reason });
}

function fileError(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (!code) return error as Error;
  return new OssInvalidArgumentError('file', `${path} could not be read (${code}); check that it exists and is readable`);
}

function checkRange(start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new OssInvalidArgumentError('range', `${start}..${end} is not a byte range; need integers with 0 <= start <= end`);
  }
}

/**
 * MD5 (and optionally CRC-64) of bytes [start, end) of a file, read in 1 MiB chunks into one buffer.
 * Throws OssCancelledError when `signal` aborts, and OssInvalidArgumentError when the file ends early.
 */
export async function md5OfFileRange(
  path: string,
  start: number,
  end: number,
  signal?: AbortSignal,
  options?: { crc64?: boolean },
): Promise<FileRangeDigest> {
  checkRange(start, end);
  throwIfAborted(signal, path);
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw fileError(error, path);
  });
  let md5Hasher: IHasher | undefined;
  let crcHasher: IHasher | undefined;
  try {
    md5Hasher = await md5Pool.acquire();
    if (options?.crc64) crcHasher = await crc64Pool.acquire();
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(READ_CHUNK_BYTES, end - start)));
    for (let position = start; position < end; ) {
      throwIfAborted(signal, path);
      const wanted = Math.min(buffer.length, end - position);
      const { bytesRead } = await handle.read(buffer, 0, wanted, position).catch((error: unknown) => {
        throw fileError(error, path);
      });
      if (bytesRead === 0) {
        throw new OssInvalidArgumentError(
          'file',
          `${path} ends at byte ${position} but bytes ${start}..${end} were expected; the file changed (was truncated) since the upload was planned. Restore the file or start the upload again`,
        );
      }
      const chunk = buffer.subarray(0, bytesRead);
      md5Hasher.update(chunk);
      crcHasher?.update(chunk);
      position += bytesRead;
    }
    const digest: FileRangeDigest = digestOf(md5Hasher.digest('binary'));
    if (crcHasher) digest.crc64 = crcHexToDecimal(crcHasher.digest('hex'));
    return digest;
  } finally {
    if (md5Hasher) md5Pool.release(md5Hasher);
    if (crcHasher) crc64Pool.release(crcHasher);
    await handle.close();
  }
}

export async function md5OfBytes(data: Uint8Array): Promise<Md5Digest> {
  return digestOf(Buffer.from(await md5(data), 'hex'));
}

export interface Md5Stream {
  update(chunk: Uint8Array): void;
  /** The digest is computed on the first digest call; later updates are an error. */
  digestBase64(): string;
  digestHex(): string;
}

/** Streaming MD5 over one byte sequence. */
export async function createMd5(): Promise<Md5Stream> {
  const hasher = (await createMD5()).init();
  let result: Md5Digest | undefined;
  const finish = (): Md5Digest => (result ??= digestOf(hasher.digest('binary')));
  return {
    update(chunk) {
      if (result) throw new Error('createMd5: update() after digest');
      hasher.update(chunk);
    },
    digestBase64: () => finish().base64,
    digestHex: () => finish().hex,
  };
}

/** Base64 MD5 → the ETag OSS returns for a part: the upper-case hex in double quotes. */
export function md5Base64ToEtag(base64: string): string {
  if (!MD5_BASE64.test(base64)) throw new OssInvalidArgumentError('contentMd5', `${JSON.stringify(base64)} is not a base64 MD5`);
  return `"${Buffer.from(base64, 'base64').toString('hex').toUpperCase()}"`;
}

/** Comparable form of an ETag: surrounding quotes (literal or &quot;) and whitespace removed, upper-case. */
export function normalizeEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^(?:"|&quot;)|(?:"|&quot;)$/g, '')
    .toUpperCase();
}
