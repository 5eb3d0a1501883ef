// Receives a request body into a file (or nowhere, in discard mode) while computing its
// MD5 and CRC-64 incrementally, so a part is never held in memory whole.
import { open, rm } from 'node:fs/promises';
import { createCrc64 } from '../hash/crc64.js';
import { createMd5 } from '../hash/md5.js';
import { entityTooLarge } from './mock-error.js';
import type { RequestBody } from './request-body.js';

export interface ReceivedBody {
  size: number;
  md5Base64: string;
  /** Upper-case hex. */
  md5Hex: string;
  /** Decimal CRC-64/ECMA. */
  crc64: string;
}

/**
 * Streams the body to `target` (undefined: hash only). On failure the partial file is removed.
 * A body growing past `maxBytes` (a chunked one: its length was not declared) is cut off with
 * EntityTooLarge, and the rest of it is never read.
 */
export async function receiveBody(body: RequestBody, target: string | undefined, maxBytes = Infinity): Promise<ReceivedBody> {
  return receiveChunks(body.chunks(), target, { maxBytes, onTooLarge: () => body.refuseRest() });
}

export interface ReceiveChunksOptions {
  /** `target` already holds data (left in place on failure); the chunks go after it and the hashes cover them only. */
  append?: boolean | undefined;
  /** Past this many bytes the stream is cut off with EntityTooLarge. */
  maxBytes?: number | undefined;
  /** Called before that EntityTooLarge is thrown (a request body: stop reading the rest). */
  onTooLarge?: (() => void) | undefined;
}

/**
 * What receiveBody does, for any stream of chunks: a range of a stored object being copied, the
 * file of a form upload, or a body appended to an existing object's data.
 */
export async function receiveChunks(chunks: AsyncIterable<Buffer>, target: string | undefined, options: ReceiveChunksOptions = {}): Promise<ReceivedBody> {
  const maxBytes = options.maxBytes ?? Infinity;
  const md5 = await createMd5();
  const crc = await createCrc64();
  const file = target ? await open(target, options.append ? 'a' : 'wx') : undefined;
  let size = 0;
  try {
    for await (const chunk of chunks) {
      if (size + chunk.length > maxBytes) {
        options.onTooLarge?.();
        throw entityTooLarge(size + chunk.length, maxBytes);
      }
      md5.update(chunk);
      crc.update(chunk);
      size += chunk.length;
      if (file) await file.write(chunk);
    }
    await file?.close();
  } catch (error) {
    await file?.close().catch(() => undefined);
    if (target && !options.append) await rm(target, { force: true });
    throw error;
  }
  return { size, md5Base64: md5.digestBase64(), md5Hex: md5.digestHex(), crc64: crc.digestDecimal() };
}
