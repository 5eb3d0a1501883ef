// Content-MD5 of any replayable body, computed by streaming (hash-wasm), never by buffering a file range.
import type { BodySource } from './types.js';
import { createMd5, md5OfBytes, md5OfFileRange } from '../hash/md5.js';
import { OssCancelledError } from '../errors.js';

export async function bodyMd5Base64(body: BodySource, signal: AbortSignal | undefined): Promise<string> {
  if (body instanceof Uint8Array) return (await md5OfBytes(body)).base64;
  if ('file' in body) return (await md5OfFileRange(body.file, body.start, body.end, signal)).base64;
  const md5 = await createMd5();
  for await (const chunk of 'chunks' in body ? body.chunks() : body.stream()) {
    if (signal?.aborted) throw new OssCancelledError('hashing was cancelled', { cause: signal.reason });
    md5.update(chunk as Uint8Array);
  }
  return md5.digestBase64();
}
