// The source of CopyObject and UploadPartCopy: x-oss-copy-source (/<bucket>/<url-encoded key>),
// which must exist and be readable, and the x-oss-copy-source-if-* conditions checked against it
// (preconditions.ts: 412 PreconditionFailed or 304 Not Modified).
import { copyFile } from 'node:fs/promises';
import type { RequestContext } from '../context.js';
import { invalidArgument, MockOssError, noSuchBucket, noSuchKey } from '../mock-error.js';
import { checkBucketName, checkObjectKey } from '../keys.js';
import type { ObjectRecord } from '../store.js';
import { COPY_SOURCE_CONDITIONS, evaluatePreconditions } from './preconditions.js';
import { requireReadable } from './restore-object.js';

export interface CopySource {
  bucket: string;
  record: ObjectRecord;
}

/** The outcome of the copy-source conditions: go ahead, or answer 304 without copying. */
export type CopyPrecondition = 'copy' | 'not-modified';

function parseCopySourceHeader(raw: string): { bucket: string; key: string } {
  const bad = (): MockOssError => invalidArgument('x-oss-copy-source', raw, 'x-oss-copy-source must be /<source bucket>/<URL-encoded source key>.');
  if (/[?]versionId=/.test(raw)) throw new MockOssError(501, 'NotImplemented', 'The mock OSS server does not implement versioning (versionId in x-oss-copy-source).');
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    throw bad();
  }
  const match = /^\/?([^/]+)\/(.+)$/s.exec(path);
  if (!match) throw bad();
  checkBucketName(match[1]!);
  checkObjectKey(match[2]!);
  return { bucket: match[1]!, key: match[2]! };
}

/** The object x-oss-copy-source names; NoSuchBucket / NoSuchKey / InvalidObjectState otherwise. */
export function requireCopySource(ctx: RequestContext): CopySource {
  const { store, clock } = ctx.server;
  const { bucket, key } = parseCopySourceHeader(ctx.headers['x-oss-copy-source']!);
  if (!store.hasBucket(bucket)) throw noSuchBucket(bucket);
  const record = store.getObject(bucket, key);
  if (!record) throw noSuchKey(key);
  requireReadable(record, clock.nowMs());
  return { bucket, record };
}

/** Checks the x-oss-copy-source-if-* headers against the source; throws 412, or says to answer 304. */
export function checkCopyConditions(headers: Record<string, string>, source: ObjectRecord): CopyPrecondition {
  return evaluatePreconditions(headers, COPY_SOURCE_CONDITIONS, source) === 'proceed' ? 'copy' : 'not-modified';
}

/** Copies the source's data file to `temp`; false if the source was replaced or deleted meanwhile. */
export async function copySourceData(ctx: RequestContext, source: CopySource, temp: string): Promise<boolean> {
  try {
    await copyFile(ctx.server.store.objectDataPath(source.bucket, source.record), temp);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && ctx.server.store.getObject(source.bucket, source.record.key) !== source.record) return false;
    throw error;
  }
}
