// CopyObject: PUT /<key> with x-oss-copy-source. The data is copied byte for byte (same ETag and
// CRC-64); x-oss-metadata-directive COPY (default) keeps the source's headers and user metadata,
// REPLACE takes them from this request; x-oss-tagging-directive Copy (default) / Replace does the
// same for tags. ACL and storage class come from this request (x-oss-object-acl,
// x-oss-storage-class), the storage class defaulting to the source's. Copying an object onto
// itself is how clients change its metadata.
import { rm } from 'node:fs/promises';
import type { RequestContext } from '../context.js';
import { entityTooLarge, fileAlreadyExists, invalidArgument } from '../mock-error.js';
import { el, send, sendXml, xmlDocument } from '../responses.js';
import type { ObjectRecord, StoredHeaders } from '../store.js';
import { checkCopyConditions, copySourceData, requireCopySource, type CopySource } from './copy-source.js';
import { forbidsOverwrite, storedHeadersFrom } from './object-headers.js';
import { encryptionHeaders } from './server-side-encryption.js';
import { isoMs } from './uploads.js';

/** Larger objects must be copied part by part (UploadPartCopy). */
export const MAX_COPY_OBJECT_BYTES = 1024 * 1024 * 1024;

function directive(headers: Record<string, string>, name: string, values: readonly string[]): string {
  const raw = headers[name];
  if (raw === undefined) return values[0]!;
  const value = values.find((v) => v.toLowerCase() === raw.trim().toLowerCase());
  if (!value) throw invalidArgument(name, raw, `${name} must be ${values.join(' or ')}.`);
  return value;
}

/** What the copy records besides the data: headers, metadata, ACL, tags. */
function destinationHeaders(ctx: RequestContext, source: ObjectRecord): StoredHeaders {
  const metadata = directive(ctx.headers, 'x-oss-metadata-directive', ['COPY', 'REPLACE']);
  const tagging = directive(ctx.headers, 'x-oss-tagging-directive', ['Copy', 'Replace']);
  const requested = storedHeadersFrom(ctx.headers);
  const headers = metadata === 'REPLACE' ? requested.headers : { ...source.headers };
  headers['x-oss-storage-class'] = ctx.headers['x-oss-storage-class'] !== undefined ? requested.headers['x-oss-storage-class']! : (source.headers['x-oss-storage-class'] ?? 'Standard');
  return {
    headers,
    meta: metadata === 'REPLACE' ? requested.meta : { ...source.meta },
    acl: requested.acl,
    tags: tagging === 'Replace' ? requested.tags : source.tags,
    // Encryption is the copy's own, as this request asks (a copy is written anew).
    sse: requested.sse,
  };
}

export async function copyObject(ctx: RequestContext): Promise<void> {
  const { store, clock } = ctx.server;
  const bucket = ctx.bucket!;
  const key = ctx.key!;
  let source: CopySource = requireCopySource(ctx);
  if (checkCopyConditions(ctx.headers, source.record) === 'not-modified') {
    await send(ctx, 304, {});
    return;
  }
  if (source.record.size > MAX_COPY_OBJECT_BYTES) throw entityTooLarge(source.record.size, MAX_COPY_OBJECT_BYTES);
  const stored = destinationHeaders(ctx, source.record);
  const forbidOverwrite = forbidsOverwrite(ctx.headers) && !(source.bucket === bucket && source.record.key === key);

  const copied = await store.withObjectLock(bucket, key, async () => {
    if (forbidOverwrite && store.getObject(bucket, key)) throw fileAlreadyExists();
    const temp = store.tempPath('copy');
    try {
      // The source may be replaced while we copy it: copy what is there now.
      while (!(await copySourceData(ctx, source, temp))) source = requireCopySource(ctx);
      const { record } = source;
      const objectType = record.objectType === 'Appendable' ? 'Normal' : record.objectType;
      const copy: Omit<ObjectRecord, 'dataFile'> = {
        key,
        size: record.size,
        etag: record.etag,
        crc64: record.crc64,
        contentMd5: record.contentMd5,
        objectType,
        symlinkTarget: record.symlinkTarget,
        lastModified: clock.nowMs(),
        ...stored,
      };
      return await store.commitObject(bucket, copy, temp);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  });
  await sendXml(ctx, 200, xmlDocument('CopyObjectResult', [el('ETag', copied.etag), el('LastModified', isoMs(copied.lastModified))]), {
    ETag: copied.etag,
    'x-oss-hash-crc64ecma': copied.crc64,
    ...encryptionHeaders(copied.sse),
  });
}
