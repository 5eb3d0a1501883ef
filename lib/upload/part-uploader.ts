// One part: hash its file range (MD5 and CRC-64 in one streaming pass), then send the same
// range from the file with that Content-MD5. Nothing of the part is held in memory.
import { OssChecksumError } from '../errors.js';
import { md5OfFileRange } from '../hash/md5.js';
import type { OssClient } from '../client.js';
import type { PartInfo } from '../api/types.js';
import type { CheckpointPart } from './checkpoint.js';
import type { PlannedPart } from './plan.js';
import type { ProgressTracker } from './progress.js';
import { serverHasRecordedPart } from './resume.js';

export interface PartTarget {
  client: OssClient;
  bucket: string;
  key: string;
  uploadId: string;
  filePath: string;
  progress: ProgressTracker;
}

export interface PartDigest {
  /** Base64 MD5. */
  md5: string;
  /** Unsigned decimal CRC-64/ECMA. */
  crc64: string;
}

export interface PartOutcome {
  record: CheckpointPart;
  /** The server already had these bytes (an unrecorded part from an earlier run). */
  reused: boolean;
}

/**
 * Part digests, with hashing started ahead: while one part is sent, the next is hashed, so the
 * link does not wait for the CPU. Hashing streams the range, so a digest ahead costs no memory.
 */
export class PartHasher {
  readonly #started = new Map<number, Promise<PartDigest>>();

  constructor(
    private readonly filePath: string,
    private readonly signal: AbortSignal,
  ) {}

  /** The part's digest: the one started by `prefetch`, or a new one. */
  take(part: PlannedPart): Promise<PartDigest> {
    const digest = this.#start(part);
    this.#started.delete(part.partNumber);
    return digest;
  }

  /** Starts hashing `part` in the background, unless already started. */
  prefetch(part: PlannedPart | undefined): void {
    if (part) this.#start(part);
  }

  #start(part: PlannedPart): Promise<PartDigest> {
    let digest = this.#started.get(part.partNumber);
    if (!digest) {
      digest = hashPart(this.filePath, part, this.signal);
      digest.catch(() => {}); // a prefetched part may never be taken (the upload stopped): not unhandled
      this.#started.set(part.partNumber, digest);
    }
    return digest;
  }
}

async function hashPart(filePath: string, part: PlannedPart, signal: AbortSignal): Promise<PartDigest> {
  const digest = await md5OfFileRange(filePath, part.start, part.end, signal, { crc64: true });
  return { md5: digest.base64, crc64: digest.crc64 as string }; // asked for with { crc64: true }
}

/**
 * Uploads `part` with its digest, unless `onServer` (a part the server has but no checkpoint
 * recorded) turns out to hold exactly these bytes. The returned ETag must be the MD5 sent
 * (checked by uploadPart) and the returned CRC-64 the one computed here.
 */
export async function uploadHashedPart(
  target: PartTarget,
  part: PlannedPart,
  digest: PartDigest,
  onServer: PartInfo | undefined,
  signal: AbortSignal,
): Promise<PartOutcome> {
  const local = { size: part.size, md5: digest.md5, crc64: digest.crc64 };
  if (onServer && serverHasRecordedPart(onServer, local)) {
    return { record: { partNumber: part.partNumber, ...local, etag: onServer.etag }, reused: true };
  }
  const { progress } = target;
  const result = await target.client.uploadPart({
    bucket: target.bucket,
    key: target.key,
    uploadId: target.uploadId,
    partNumber: part.partNumber,
    body: { file: target.filePath, start: part.start, end: part.end },
    contentMd5: digest.md5,
    signal,
    onBodyProgress: (bytes) => progress.sent(part.partNumber, part.size, bytes),
    onRetry: () => progress.reset(part.partNumber),
  });
  if (result.crc64 !== undefined && result.crc64 !== digest.crc64) {
    throw new OssChecksumError(`part ${part.partNumber} CRC-64`, digest.crc64, result.crc64);
  }
  return { record: { partNumber: part.partNumber, ...local, etag: result.etag }, reused: false };
}
