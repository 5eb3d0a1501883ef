// CompleteMultipartUpload: POST /<key>?uploadId=ID. Checks in the order of §4.4 (NoSuchUpload,
// MalformedXML, InvalidPartOrder, InvalidPart, EntityTooSmall, FileAlreadyExists), then streams
// the listed parts into one temp file, renames it into place and deletes the upload (unlisted
// parts included). The work finishes even if the client goes away meanwhile.
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { OssXmlError } from '../../errors.js';
import { crc64OfParts } from '../../hash/crc64.js';
import { md5OfBytes } from '../../hash/md5.js';
import { encodeKeyPath } from '../../signer/uri-encode.js';
import { decodeCompleteMultipartUploadRequest } from '../../xml/decode.js';
import type { CompletedPart } from '../../api/types.js';
import { answerStoredUpload, parseCallback } from '../callback.js';
import type { RequestContext } from '../context.js';
import { fileAlreadyExists, invalidArgument, malformedXml, MockOssError, noSuchUpload } from '../mock-error.js';
import { el, maybeUrlEncode, xmlDocument } from '../responses.js';
import type { MockStore, PartRecord, UploadRecord } from '../store.js';
import { checkMd5, expectedMd5Hex } from './content-md5.js';
import { forbidsOverwrite, pickStoredHeaders } from './object-headers.js';
import { encryptionHeaders } from './server-side-encryption.js';
import { requireUpload } from './uploads.js';

/** Every part but the last must be at least 100 KB. */
export const MIN_PART_BYTES = 102_400;
/** Request XML cap: a 10000-part list is about 800 KB. */
export const MAX_REQUEST_XML_BYTES = 1024 * 1024;

export async function completeMultipartUpload(ctx: RequestContext): Promise<void> {
  const { store, discard, clock } = ctx.server;
  const callback = parseCallback(ctx);
  const upload = requireUpload(ctx);
  const requested = await readRequestedParts(ctx);
  const forbidOverwrite = ctx.headers['x-oss-forbid-overwrite'] !== undefined ? forbidsOverwrite(ctx.headers) : upload.forbidOverwrite;

  const result = await store.withUploadLock(upload, async () => {
    if (upload.gone) throw noSuchUpload(upload.uploadId);
    const parts = requested ? checkRequestedParts(upload, requested) : allParts(upload);
    const etag = `"${(await md5OfBytes(Buffer.concat(parts.map((p) => Buffer.from(p.md5Hex, 'hex'))))).hex}-${parts.length}"`;
    const crc64 = crc64OfParts(parts).toString();
    const size = parts.reduce((sum, p) => sum + p.size, 0);
    await store.withObjectLock(upload.bucket, upload.key, async () => {
      if (forbidOverwrite && store.getObject(upload.bucket, upload.key)) throw fileAlreadyExists();
      if (!discard) {
        const temp = await concatenateParts(store, upload, parts);
        await store.commitObject(
          upload.bucket,
          { key: upload.key, size, etag, crc64, objectType: 'Multipart', lastModified: clock.nowMs(), ...pickStoredHeaders(upload) },
          temp,
        );
      }
      await store.removeUpload(upload);
    });
    return { etag, crc64, size };
  });

  const location = ctx.virtualHosted ? `http://${ctx.host}/${encodeKeyPath(upload.key)}` : `http://${ctx.host}/${upload.bucket}/${encodeKeyPath(upload.key)}`;
  const children = [el('Location', location), el('Bucket', upload.bucket), el('Key', maybeUrlEncode(ctx, upload.key)), el('ETag', result.etag)];
  if (ctx.query['encoding-type'] === 'url') children.unshift(el('EncodingType', 'url'));
  await answerStoredUpload(
    ctx,
    callback,
    {
      bucket: upload.bucket,
      object: upload.key,
      etag: result.etag.slice(1, -1),
      size: result.size,
      mimeType: upload.headers['content-type'] ?? '',
      crc64: result.crc64,
      contentMd5: '',
    },
    { ETag: result.etag, 'x-oss-hash-crc64ecma': result.crc64, ...encryptionHeaders(upload.sse) },
    xmlDocument('CompleteMultipartUploadResult', children),
  );
}

/** The body's part list, or undefined for x-oss-complete-all (whose body must be empty). */
async function readRequestedParts(ctx: RequestContext): Promise<CompletedPart[] | undefined> {
  const completeAll = ctx.headers['x-oss-complete-all'];
  const expectedMd5 = expectedMd5Hex(ctx.headers);
  const body = await ctx.body.readSmall(MAX_REQUEST_XML_BYTES);
  if (completeAll !== undefined) {
    if (completeAll.toLowerCase() !== 'yes') throw invalidArgument('x-oss-complete-all', completeAll, 'x-oss-complete-all must be "yes".');
    if (body === undefined || body.length > 0) throw invalidArgument('x-oss-complete-all', completeAll, 'With x-oss-complete-all: yes the request body must be empty.');
    return undefined;
  }
  if (body === undefined) throw malformedXml(`the request body is larger than ${MAX_REQUEST_XML_BYTES} bytes`);
  if (expectedMd5 !== undefined) checkMd5(ctx.headers, expectedMd5, (await md5OfBytes(body)).hex);
  try {
    return decodeCompleteMultipartUploadRequest(body.toString('utf8'), { maxBytes: MAX_REQUEST_XML_BYTES });
  } catch (error) {
    if (error instanceof OssXmlError) throw malformedXml(error.message.split('. The server sent')[0]!);
    throw error;
  }
}

function checkRequestedParts(upload: UploadRecord, requested: CompletedPart[]): PartRecord[] {
  for (let i = 1; i < requested.length; i++) {
    if (requested[i]!.partNumber <= requested[i - 1]!.partNumber) {
      throw new MockOssError(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', {
        PartNumber: String(requested[i]!.partNumber),
      }, '0042-00000209');
    }
  }
  const parts = requested.map((wanted) => {
    const part = upload.parts.get(wanted.partNumber);
    if (!part || wanted.etag.replace(/"/g, '').toUpperCase() !== part.md5Hex) {
      throw new MockOssError(
        400,
        'InvalidPart',
        "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
        { PartNumber: String(wanted.partNumber), ETag: wanted.etag },
        '0042-00000210',
      );
    }
    return part;
  });
  checkPartSizes(parts);
  return parts;
}

/** x-oss-complete-all: every uploaded part, ascending. */
function allParts(upload: UploadRecord): PartRecord[] {
  const parts = [...upload.parts.values()].sort((a, b) => a.partNumber - b.partNumber);
  if (parts.length === 0) {
    throw new MockOssError(400, 'InvalidPart', 'The upload has no parts; upload at least one part before completing it.', {}, '0042-00000210');
  }
  checkPartSizes(parts);
  return parts;
}

function checkPartSizes(parts: PartRecord[]): void {
  for (const part of parts.slice(0, -1)) {
    if (part.size < MIN_PART_BYTES) {
      throw new MockOssError(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size.', {
        PartNumber: String(part.partNumber),
        ProposedSize: String(part.size),
        MinSizeAllowed: String(MIN_PART_BYTES),
      }, '0042-00000213');
    }
  }
}

/** Streams the parts, in order, into a fresh temp file and returns its path. */
async function concatenateParts(store: MockStore, upload: UploadRecord, parts: PartRecord[]): Promise<string> {
  const temp = store.tempPath('object');
  const out = await open(temp, 'wx');
  try {
    for (const part of parts) {
      const path = store.partDataPath(upload, part);
      if (!path) continue;
      for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) await out.write(chunk as Buffer);
    }
    await out.close();
  } catch (error) {
    await out.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  return temp;
}
