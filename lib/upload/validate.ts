// Every option is checked before the first request, so bad input never changes anything on the server.
import { resolve } from 'node:path';
import { OssInvalidArgumentError } from '../errors.js';
import { validateBucketName, validateObjectKey } from '../validate.js';
import { objectHeaders } from '../api/object-headers.js';
import { callbackHeaders } from '../api/callback.js';
import type { UploadCallback } from '../api/types.js';
import { readFileIdentity, type FileIdentity } from './file-identity.js';
import { DEFAULT_PART_SIZE, MAX_FILE_SIZE, MAX_PART_SIZE, MIN_PART_SIZE } from './plan.js';
import type { ByteSource } from '../hash/read-range.js';
import type { ResumableUploadOptions, ResumeCheck, SourceUploadOptions } from './types.js';

/**
 * Parts in flight by default, from bench/README.md (2 cores, 8 MiB parts). Against the verifying
 * mock server (which sets the pace) 4 beat 3 by 6–12% in two 7-run series: the server spends less
 * CPU per GiB with four streams to interleave (12.6 against 13.4 s); against the discard server
 * 6 and 8 were 2–6% slower than 4. 2 is ~10% slower locally. Each one holds two 1 MiB read
 * windows. On a long link the default becomes LONG_LINK_PARALLEL (long-link.ts).
 */
export const DEFAULT_PARALLEL = 4;
/** More is never useful and would only exhaust sockets and file descriptors. */
export const MAX_PARALLEL = 256;
/**
 * Default budget for read buffers: more than any `parallel` takes (256 parts in flight hold 516 MiB
 * of windows at most), so only a lower one refuses an upload; kept for a single PutObject's
 * buffer and for callers who set a tighter limit.
 */
export const DEFAULT_MAX_MEMORY = 1024 ** 3;

export interface ValidatedUpload {
  /** Absolute path; for a ByteSource, its name (messages only). */
  filePath: string;
  /** For a ByteSource only its size means anything: no checkpoint binds it, nothing compares it. */
  file: FileIdentity;
  /** The bytes to upload when they are not a file's (resumableUploadFromSource). */
  source: ByteSource | undefined;
  bucket: string;
  key: string;
  /** Requested part size (before growth to fit 10000 parts). */
  partSize: number;
  parallel: number;
  /** Whether the caller chose `parallel` (else it may grow on a long link, see long-link.ts). */
  parallelGiven: boolean;
  /** Absolute path, when checkpointing. */
  checkpointDir: string | undefined;
  /** Object headers as sent (lower-case names, x-oss-meta-* from `meta`). */
  objectHeaders: Record<string, string>;
  callback: UploadCallback | undefined;
  forceMultipart: boolean;
  deleteUploadOnCancel: boolean;
  localCrc64: boolean;
  resumeCheck: ResumeCheck;
  maxMemory: number;
}

export async function validateUploadOptions(options: ResumableUploadOptions | SourceUploadOptions, clientBucket: string | undefined): Promise<ValidatedUpload> {
  if (!options || typeof options !== 'object') throw new OssInvalidArgumentError('options', 'pass an object with at least `file` and `key`');
  const bucket = options.bucket ?? clientBucket;
  if (bucket === undefined) throw new OssInvalidArgumentError('bucket', 'no bucket given; pass `bucket` to the upload or to the client');
  validateBucketName(bucket);
  const key = validateObjectKey(options.key);
  const partSize = options.partSize ?? DEFAULT_PART_SIZE;
  if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
    throw new OssInvalidArgumentError('partSize', `${partSize} is outside ${MIN_PART_SIZE}..${MAX_PART_SIZE} bytes (100 KB to 5 GiB)`);
  }
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  if (!Number.isSafeInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL) {
    throw new OssInvalidArgumentError('parallel', `${parallel} is not a whole number from 1 to ${MAX_PARALLEL}`);
  }
  const { checkpointDir } = options as Partial<ResumableUploadOptions>;
  if (checkpointDir !== undefined && (typeof checkpointDir !== 'string' || checkpointDir === '')) {
    throw new OssInvalidArgumentError('checkpointDir', 'must be a directory path');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new OssInvalidArgumentError('onProgress', 'must be a function (sentBytes, totalBytes) => void');
  }
  const maxMemory = options.maxMemory ?? DEFAULT_MAX_MEMORY;
  if (!Number.isSafeInteger(maxMemory) || maxMemory < 1) throw new OssInvalidArgumentError('maxMemory', `${maxMemory} is not a positive number of bytes`);
  const resumeCheck = (options as Partial<ResumableUploadOptions>).resumeCheck ?? 'content';
  if (resumeCheck !== 'content' && resumeCheck !== 'identity') {
    throw new OssInvalidArgumentError('resumeCheck', `${JSON.stringify(resumeCheck)} is not 'content' or 'identity'`);
  }
  const headers = objectHeaders(options); // throws on names/values that would corrupt the request
  callbackHeaders(options.callback); // same for the callback
  const { filePath, file, source } = 'source' in options ? validSource(options) : await validFile(options);
  if (file.size > MAX_FILE_SIZE) {
    throw new OssInvalidArgumentError('file', `${filePath} is ${file.size} bytes; a multipart upload holds at most ${MAX_FILE_SIZE} bytes (10000 parts of 5 GiB)`);
  }
  return {
    filePath,
    file,
    source,
    bucket,
    key,
    partSize,
    parallel,
    parallelGiven: options.parallel !== undefined,
    checkpointDir: checkpointDir === undefined ? undefined : resolve(checkpointDir),
    objectHeaders: headers,
    callback: options.callback,
    forceMultipart: options.forceMultipart === true,
    deleteUploadOnCancel: options.deleteUploadOnCancel ?? true,
    localCrc64: options.localCrc64 === true,
    resumeCheck,
    maxMemory,
  };
}

async function validFile(options: ResumableUploadOptions): Promise<{ filePath: string; file: FileIdentity; source: undefined }> {
  if (typeof options.file !== 'string' || options.file === '') throw new OssInvalidArgumentError('file', 'give the path of the file to upload');
  const filePath = resolve(options.file);
  return { filePath, file: await readFileIdentity(filePath), source: undefined };
}

function validSource(options: SourceUploadOptions): { filePath: string; file: FileIdentity; source: ByteSource } {
  const { source } = options;
  if (!source || typeof source !== 'object' || typeof source.fill !== 'function' || typeof source.name !== 'string' || !Number.isSafeInteger(source.size) || source.size < 0) {
    throw new OssInvalidArgumentError('source', 'must be a ByteSource: { name, size, fill(start, end, into) }');
  }
  // Plain JavaScript callers can pass what the type leaves out.
  const extra = options as Partial<ResumableUploadOptions>;
  if (extra.file !== undefined) throw new OssInvalidArgumentError('source', 'give `source` or `file`, not both');
  if (extra.checkpointDir !== undefined) throw new OssInvalidArgumentError('checkpointDir', 'an upload from a source cannot be resumed by a later run, so it takes no checkpoint');
  // No mtime, inode or ctime: an unknown ctime never matches another identity (file-identity.ts).
  return { filePath: source.name, file: { size: source.size, mtimeMs: 0, ino: 0 }, source };
}
