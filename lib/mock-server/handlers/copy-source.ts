// The source of CopyObject and UploadPartCopy: x-oss-copy-source (/<bucket>/<url-encoded key>),
// which must exist and be readable, and the x-oss-copy-source-if-* conditions checked against it
// (If-Match, then If-Unmodified-Since: 412 PreconditionFailed; If-None-Match, then
// If-Modified-Since: 304 Not Modified). Dates compare at whole seconds, as Last-Modified has them.
import { copyFile } from 'node:fs/promises';
import type { RequestContext } from '../context.js';
import { invalidArgument, MockOssError, noSuchBucket, noSuchKey } from '../mock-error.js';
import { checkBucketName, checkObjectKey } from '../keys.js';
import type { ObjectRecord } from '../store.js';
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

function etagMatches(condition: string, etag: string): boolean {
  const bare = (value: string): string => value.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toUpperCase();
  return condition.split(',').some((candidate) => candidate.trim() === '*' || bare(candidate) === bare(etag));
}

/** Whole seconds of an HTTP date; undefined when it does not parse (the condition is then ignored, as HTTP says). */
function httpDateSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

const preconditionFailed = (condition: string): MockOssError =>
  new MockOssError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold.', { Condition: condition }, '0026-00000009');

/** Checks the x-oss-copy-source-if-* headers against the source; throws 412, or says to answer 304. */
export function checkCopyConditions(headers: Record<string, string>, source: ObjectRecord): CopyPrecondition {
  const modifiedSeconds = Math.floor(source.lastModified / 1000);
  const ifMatch = headers['x-oss-copy-source-if-match'];
  if (ifMatch !== undefined && !etagMatches(ifMatch, source.etag)) throw preconditionFailed('If-Match');
  const unmodifiedSince = httpDateSeconds(headers['x-oss-copy-source-if-unmodified-since']);
  if (ifMatch === undefined && unmodifiedSince !== undefined && modifiedSeconds > unmodifiedSince) throw preconditionFailed('If-Unmodified-Since');
  const ifNoneMatch = headers['x-oss-copy-source-if-none-match'];
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, source.etag)) return 'not-modified';
  const modifiedSince = httpDateSeconds(headers['x-oss-copy-source-if-modified-since']);
  if (ifNoneMatch === undefined && modifiedSince !== undefined && modifiedSeconds <= modifiedSince) return 'not-modified';
  return 'copy';
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
