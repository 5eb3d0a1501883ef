// The checks of the object an upload produced: its CRC-64 against the one the parts combine to,
// and whether an object already at the key is this file (a Complete whose answer was lost).
import { OssChecksumError, OssServiceError } from '../errors.js';
import { crc64OfParts } from '../hash/crc64.js';
import type { OssClient } from '../client.js';
import type { CheckpointPart } from './checkpoint.js';
import { sortedParts } from './session.js';
import type { ResumableUploadResult } from './types.js';

export interface ObjectTarget {
  client: OssClient;
  bucket: string;
  key: string;
  signal: AbortSignal;
}

/** Throws OssChecksumError unless the object's CRC-64 (as reported, else from a HEAD) is `expected`. */
export async function verifyObjectCrc(target: ObjectTarget, expected: string, reported: string | undefined): Promise<void> {
  const actual = reported ?? (await target.client.headObject({ bucket: target.bucket, key: target.key, signal: target.signal })).crc64;
  if (actual !== expected) throw new OssChecksumError(`object ${target.key} CRC-64`, expected, actual ?? '(none)');
}

/**
 * The object at the key as an upload result, if it is this file: `fileSize` bytes and the CRC-64
 * that all `partCount` recorded parts combine to. Undefined when parts are missing or there is
 * no such object, or another one.
 */
export async function completedObject(
  target: ObjectTarget,
  fileSize: number,
  upload: { uploadId: string; parts: CheckpointPart[]; partCount: number; partsReused: number; bytesSent: number },
): Promise<ResumableUploadResult | undefined> {
  if (upload.parts.length !== upload.partCount) return undefined;
  const expectedCrc = crc64OfParts(sortedParts(upload.parts)).toString();
  let head;
  try {
    head = await target.client.headObject({ bucket: target.bucket, key: target.key, signal: target.signal });
  } catch (error) {
    if (error instanceof OssServiceError && error.status === 404) return undefined;
    throw error;
  }
  if (head.size !== fileSize || head.crc64 !== expectedCrc) return undefined;
  return {
    bucket: target.bucket,
    key: target.key,
    etag: head.etag,
    size: fileSize,
    crc64: expectedCrc,
    uploadId: upload.uploadId,
    partsReused: upload.partsReused,
    bytesSent: upload.bytesSent,
    requestId: head.requestId,
  };
}

/**
 * The result, with a `warning` when its ETag cannot be the multipart ETag of `partCount` parts
 * (`"<32 hex>-<partCount>"`). A warning, not a failure: the CRC-64 check already proved the
 * object's bytes, and OSS does not promise the ETag's form; but a different one suggests the
 * endpoint is not OSS, or assembled other parts, and is worth a look.
 */
export function withEtagWarning(result: ResumableUploadResult, partCount: number): ResumableUploadResult {
  const count = /^"?[0-9A-Fa-f]{32}-(\d+)"?$/.exec(result.etag)?.[1];
  if (count !== undefined && Number(count) === partCount) return result;
  const warning = `the server reported ETag ${result.etag} for the completed object, which is not a multipart ETag of ${partCount} part(s) ("<MD5>-${partCount}"); the object's CRC-64 matched the parts, so its bytes are right, but check what the endpoint is`;
  return { ...result, warning };
}
