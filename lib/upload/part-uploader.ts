// One part: read it once into the worker's reusable buffer, hash it from memory (MD5, and CRC-64
// when asked) and send that buffer; or, for a part too large to buffer, hash its file range by
// streaming it and then stream the range again for the send. A ByteSource is read the same way.
import { OssChecksumError } from '../errors.js';
import { crc64OfBytes, crc64OfChunks, md5OfFileRange, readAndDigest } from '../hash/md5.js';
import { byteSourceStream, isByteSource, type RangeReadable } from '../hash/read-range.js';
import type { OssClient } from '../client.js';
import type { BodySource, PartInfo } from '../api/types.js';
import type { CheckpointPart } from './checkpoint.js';
import type { PlannedPart } from './plan.js';
import type { ProgressTracker } from './progress.js';
import { serverHasRecordedPart } from './resume.js';
import type { RetryReporter } from './retry-report.js';

export interface PartTarget {
  client: OssClient;
  bucket: string;
  key: string;
  uploadId: string;
  filePath: string;
  progress: ProgressTracker;
  retries: RetryReporter;
}

/** A part ready to send: its body and its digests. */
export interface PreparedPart {
  /** The bytes in the worker's buffer, or the file range (a source's stream) when the part is not buffered. */
  body: BodySource;
  /** Base64 MD5. */
  md5: string;
  /** Unsigned decimal CRC-64/ECMA, when computed locally. */
  crc64: string | undefined;
}

/**
 * Reads and hashes `part`: into `buffer` when given (which must hold the part), else by streaming
 * its file range. `localCrc64` adds the CRC-64 to the same pass.
 */
export async function preparePart(
  file: RangeReadable,
  part: PlannedPart,
  buffer: Buffer | undefined,
  localCrc64: boolean,
  signal: AbortSignal,
): Promise<PreparedPart> {
  if (buffer) {
    const { bytes, digest } = await readAndDigest(file, part.start, part.end, buffer, signal, { crc64: localCrc64 });
    return { body: bytes, md5: digest.base64, crc64: digest.crc64 };
  }
  if (isByteSource(file)) {
    const digest = await md5OfFileRange(file, part.start, part.end, signal, { crc64: localCrc64 });
    return { body: { stream: () => byteSourceStream(file, part.start, part.end), length: part.size }, md5: digest.base64, crc64: digest.crc64 };
  }
  const filePath = typeof file === 'string' ? file : file.path;
  const digest = await md5OfFileRange(filePath, part.start, part.end, signal, { crc64: localCrc64 });
  return { body: { file: filePath, start: part.start, end: part.end }, md5: digest.base64, crc64: digest.crc64 };
}

/**
 * The record of `onServer` (a part an earlier run left on the server) if it holds exactly the
 * prepared bytes, the file's as they are now: same size, its ETag their MD5, and its CRC-64 theirs
 * when both are known. Undefined when the part must be sent again.
 */
export async function reusablePart(part: PlannedPart, prepared: PreparedPart, onServer: PartInfo, signal: AbortSignal): Promise<CheckpointPart | undefined> {
  const local = { size: part.size, md5: prepared.md5, crc64: prepared.crc64 };
  if (!serverHasRecordedPart(onServer, local)) return undefined;
  const crc64 = prepared.crc64 ?? onServer.crc64 ?? (await crc64Of(prepared.body, signal));
  return { partNumber: part.partNumber, ...local, crc64, etag: onServer.etag };
}

/**
 * Uploads the prepared part. The returned ETag must be the MD5 sent (checked by uploadPart); a
 * CRC-64 computed here must equal the one the server reports.
 */
export async function uploadPreparedPart(target: PartTarget, part: PlannedPart, prepared: PreparedPart, signal: AbortSignal): Promise<CheckpointPart> {
  const local = { size: part.size, md5: prepared.md5, crc64: prepared.crc64 };
  const { progress } = target;
  const retryListener = target.retries.listener('UploadPart', part.partNumber);
  const result = await target.client.uploadPart({
    bucket: target.bucket,
    key: target.key,
    uploadId: target.uploadId,
    partNumber: part.partNumber,
    body: prepared.body,
    contentMd5: prepared.md5,
    signal,
    onBodyProgress: (bytes) => progress.sent(part.partNumber, part.size, bytes),
    onRetry: (attempt, error, wait) => {
      progress.reset(part.partNumber);
      retryListener(attempt, error, wait);
    },
  });
  target.retries.recovered();
  if (prepared.crc64 !== undefined && result.crc64 !== undefined && result.crc64 !== prepared.crc64) {
    throw new OssChecksumError(`part ${part.partNumber} CRC-64`, prepared.crc64, result.crc64);
  }
  // Without a local CRC the server's is recorded: the MD5 (ETag) check already proved the part intact.
  const crc64 = prepared.crc64 ?? result.crc64 ?? (await crc64Of(prepared.body, signal));
  return { partNumber: part.partNumber, ...local, crc64, etag: result.etag };
}

/** A part's CRC-64 after all: only for servers that report none (OSS always does). */
export async function crc64Of(body: BodySource, signal: AbortSignal): Promise<string> {
  if (body instanceof Uint8Array) return crc64OfBytes(body);
  if ('stream' in body) return crc64OfChunks(body.stream());
  return (await md5OfFileRange(body.file, body.start, body.end, signal, { crc64: true })).crc64 as string; // asked for
}
