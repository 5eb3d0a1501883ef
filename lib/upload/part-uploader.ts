// One part sent: a part hashed ahead (hash-ahead.ts) with its body read again as it is sent
// (part-body.ts), or the one part of a single PutObject, read into a buffer and hashed from memory
// (or, too large to buffer, hashed by streaming its file range and then streamed again).
// A ByteSource is read the same way as a file.
import { OssChecksumError } from '../errors.js';
import { crc64OfBytes, md5OfFileRange, readAndDigest } from '../hash/md5.js';
import { byteSourceStream, isByteSource, pathOrSource, type ByteSource, type RangeReadable } from '../hash/read-range.js';
import type { OssClient } from '../client.js';
import type { BodySource, PartInfo } from '../api/types.js';
import type { CheckpointPart } from './checkpoint.js';
import type { HashedPart } from './hash-ahead.js';
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

/** A part's digests, and where its bytes are. */
export interface PartDigests {
  /** Its bytes in memory, or the file range they are read from (for a CRC-64 computed late). */
  bytes: Uint8Array | { file: string | ByteSource; start: number; end: number };
  /** Base64 MD5. */
  md5: string;
  /** Unsigned decimal CRC-64/ECMA, when computed locally. */
  crc64: string | undefined;
}

/** A part ready to send: its digests and its body. */
export interface PreparedPart extends PartDigests {
  body: BodySource;
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
    return { body: bytes, bytes, md5: digest.base64, crc64: digest.crc64 };
  }
  const from = pathOrSource(file);
  const digest = await md5OfFileRange(from, part.start, part.end, signal, { crc64: localCrc64 });
  const range = { file: from, start: part.start, end: part.end };
  // A file range is streamed from disk by the transport; a source's is generated again.
  const body: BodySource = isByteSource(from) ? { stream: () => byteSourceStream(from, part.start, part.end), length: part.size } : { file: from, start: part.start, end: part.end };
  return { body, bytes: range, md5: digest.base64, crc64: digest.crc64 };
}

/** The digests of a part hashed ahead, whose bytes are in `file`. */
export function hashedDigests(hashed: HashedPart, file: RangeReadable): PartDigests {
  const { part, md5, crc64 } = hashed;
  return { bytes: { file: pathOrSource(file), start: part.start, end: part.end }, md5, crc64 };
}

/**
 * The record of `onServer` (a part an earlier run left on the server) if it holds exactly the
 * prepared bytes, the file's as they are now: same size, its ETag their MD5, and its CRC-64 theirs
 * when both are known. Undefined when the part must be sent again.
 */
export async function reusablePart(part: PlannedPart, prepared: PartDigests, onServer: PartInfo, signal: AbortSignal): Promise<CheckpointPart | undefined> {
  const local = { size: part.size, md5: prepared.md5, crc64: prepared.crc64 };
  if (!serverHasRecordedPart(onServer, local)) return undefined;
  const crc64 = prepared.crc64 ?? onServer.crc64 ?? (await crc64Of(prepared.bytes, signal));
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
  const crc64 = prepared.crc64 ?? result.crc64 ?? (await crc64Of(prepared.bytes, signal));
  return { partNumber: part.partNumber, ...local, crc64, etag: result.etag };
}

/** A part's CRC-64 after all: only for servers that report none (OSS always does). */
export async function crc64Of(body: PreparedPart['bytes'], signal: AbortSignal): Promise<string> {
  if (body instanceof Uint8Array) return crc64OfBytes(body);
  return (await md5OfFileRange(body.file, body.start, body.end, signal, { crc64: true })).crc64 as string; // asked for
}
