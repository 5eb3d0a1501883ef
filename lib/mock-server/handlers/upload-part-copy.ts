// UploadPartCopy: PUT /<key>?partNumber=N&uploadId=ID with x-oss-copy-source and optionally
// x-oss-copy-source-range (bytes=first-last, inclusive). The range of the source is streamed
// into the part while its MD5 and CRC-64 are computed, so the part is like an uploaded one; a
// malformed range copies the whole source, and one past its end is 416 InvalidRange. A copy-source
// condition that says "not modified" answers 304 and stores no part, as CopyObject does.
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { receiveChunks } from '../body-sink.js';
import type { RequestContext } from '../context.js';
import { entityTooLarge, invalidArgument, noSuchUpload } from '../mock-error.js';
import { el, send, sendXml, xmlDocument } from '../responses.js';
import { MAX_BODY_BYTES } from './body-limits.js';
import { checkCopyConditions, requireCopySource } from './copy-source.js';
import { parseRange } from './read-object.js';
import { parsePartNumber } from './upload-part.js';
import { encryptionHeaders } from './server-side-encryption.js';
import { isoMs, requireUpload } from './uploads.js';

export async function uploadPartCopy(ctx: RequestContext): Promise<void> {
  const { store, clock } = ctx.server;
  const partNumber = parsePartNumber(ctx.query);
  if (ctx.query['uploadId'] === undefined) throw invalidArgument('uploadId', '', 'UploadPartCopy needs the uploadId query parameter.');
  const upload = requireUpload(ctx);
  for (;;) {
    const source = requireCopySource(ctx);
    const { record } = source;
    if (checkCopyConditions(ctx.headers, record) === 'not-modified') {
      await send(ctx, 304, {});
      return;
    }
    const range = parseRange(ctx.headers['x-oss-copy-source-range'], record.size);
    const start = range?.start ?? 0;
    const end = range?.end ?? record.size - 1;
    if (end - start + 1 > MAX_BODY_BYTES) throw entityTooLarge(end - start + 1, MAX_BODY_BYTES);

    const temp = store.tempPath('part-copy');
    let received;
    try {
      const chunks: AsyncIterable<Buffer> = record.size === 0 ? (async function* () {})() : createReadStream(store.objectDataPath(source.bucket, record), { start, end, highWaterMark: 1024 * 1024 });
      received = await receiveChunks(chunks, temp);
    } catch (error) {
      await rm(temp, { force: true });
      // Replaced or deleted while we read it: copy what is there now.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && store.getObject(source.bucket, record.key) !== record) continue;
      throw error;
    }
    const lastModified = clock.nowMs();
    const part = { partNumber, size: received.size, md5Hex: received.md5Hex, md5Base64: received.md5Base64, crc64: received.crc64, lastModified };
    if (!(await store.commitPart(upload, part, temp))) throw noSuchUpload(upload.uploadId);
    const etag = `"${received.md5Hex}"`;
    await sendXml(ctx, 200, xmlDocument('CopyPartResult', [el('LastModified', isoMs(lastModified)), el('ETag', etag)]), { ETag: etag, 'x-oss-hash-crc64ecma': received.crc64, ...encryptionHeaders(upload.sse) });
    return;
  }
}
