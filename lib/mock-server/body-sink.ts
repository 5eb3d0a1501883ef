// Receives a request body (or any stream of chunks, e.g. a range of a stored object being
// copied) into a file, or nowhere in discard mode, while computing its MD5 and CRC-64
// incrementally, so a part is never held in memory whole.
import { open, rm } from 'node:fs/promises';
import { createCrc64 } from '../hash/crc64.js';
import { createMd5 } from '../hash/md5.js';
import type { RequestBody } from './request-body.js';

export interface ReceivedBody {
  size: number;
  md5Base64: string;
  /** Upper-case hex. */
  md5Hex: string;
  /** Decimal CRC-64/ECMA. */
  crc64: string;
}

/** Streams the body to `target` (undefined: hash only). On failure the partial file is removed. */
export async function receiveBody(body: RequestBody, target: string | undefined): Promise<ReceivedBody> {
  return receiveChunks(body.chunks(), target);
}

/**
 * Streams `chunks` to `target` while hashing them. With `append`, `target` already holds data
 * (left in place on failure) and the chunks go after it; the hashes cover the chunks only.
 * Otherwise `target` must be new, and a partial file is removed on failure.
 */
export async function receiveChunks(chunks: AsyncIterable<Buffer>, target: string | undefined, append = false): Promise<ReceivedBody> {
  const md5 = await createMd5();
  const crc = await createCrc64();
  const file = target ? await open(target, append ? 'a' : 'wx') : undefined;
  let size = 0;
  try {
    for await (const chunk of chunks) {
      md5.update(chunk);
      crc.update(chunk);
      size += chunk.length;
      if (file) await file.write(chunk);
    }
    await file?.close();
  } catch (error) {
    await file?.close().catch(() => undefined);
    if (target && !append) await rm(target, { force: true });
    throw error;
  }
  return { size, md5Base64: md5.digestBase64(), md5Hex: md5.digestHex(), crc64: crc.digestDecimal() };
}
