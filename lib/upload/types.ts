// Options and result of a resumable upload, shared by the engine's modules and the public API.
import type { UploadCallback } from '../api/types.js';
import type { ByteSource } from '../hash/read-range.js';
import type { UploadRetryEvent } from './retry-report.js';

export type ResumeCheck = 'content' | 'identity';

/** What resumableUpload() uploads, where, and how. */
export interface ResumableUploadOptions {
  /** Local file to upload. */
  file: string;
  /** Object key (UTF-8, 1-1023 bytes, not starting with '/'). */
  key: string;
  /** Defaults to the client's bucket. */
  bucket?: string | undefined;
  /**
   * Where the checkpoint lives; without it an interrupted upload cannot be resumed by a later call
   * (and pause() is refused). When `partSize` is not given, a checkpoint of this file supplies it.
   * A file that goes as one PutObject needs none: an unusable directory is then only noted.
   */
  checkpointDir?: string | undefined;
  /**
   * Bytes per part; default DEFAULT_PART_SIZE, grown so the file needs at most 10000 parts.
   * Parts are hashed ahead of the senders, four at a time through the multi-buffer MD5, and read
   * again from the file as they are sent, 1 MiB at a time: memory does not grow with the part
   * size. A file that fits one part goes as a single PutObject, read into one buffer up to
   * MAX_BUFFERED_PART_SIZE (16 MiB), else hashed by streaming and streamed again.
   */
  partSize?: number | undefined;
  /**
   * Parts in flight at once; default DEFAULT_PARALLEL (4), or 8 when the upload's first request
   * took 100 ms or more (a long link, where a part's connection idles a round trip after its last
   * byte; said in a note). Each holds a connection and two read windows of up to 1 MiB. Capped at
   * the client's `connections` (a part waiting for a connection would only hold its windows),
   * with a note saying so.
   */
  parallel?: number | undefined;
  /**
   * Most bytes the read buffers may hold (default DEFAULT_MAX_MEMORY, 1 GiB): two windows per
   * part in flight and one for each of the 4 parts hashed ahead, each the smaller of 1 MiB and
   * the part size (for a single PutObject, its buffer). An upload over it is refused before any
   * request, so a large `parallel` cannot take memory by accident; raise it to allow one.
   */
  maxMemory?: number | undefined;
  /**
   * Also compute each part's CRC-64/ECMA here and require the server's per-part CRC to match
   * (default false). Every part is always sent with Content-MD5 and its ETag checked, which
   * already proves it arrived intact; and the object's CRC-64 is always checked against the
   * combination of the part CRCs (the server's own, without this option), which proves the
   * parts were assembled in order. This adds an independent end-to-end CRC for about 0.6 CPU
   * seconds per GiB.
   */
  localCrc64?: boolean | undefined;
  /** Bytes confirmed plus bytes in flight; monotonic, ends exactly at totalBytes. */
  onProgress?: ((sentBytes: number, totalBytes: number) => void) | undefined;
  /** Aborting it cancels the upload like cancel(). */
  signal?: AbortSignal | undefined;
  /** On cancel: abort the multipart upload and delete the checkpoint (default true). pause() never deletes. */
  deleteUploadOnCancel?: boolean | undefined;
  /** Object headers (Content-Type, x-oss-storage-class, x-oss-forbid-overwrite, ...), sent when the upload starts. */
  headers?: Record<string, string> | undefined;
  /** User metadata (x-oss-meta-*). */
  meta?: Record<string, string> | undefined;
  /** Upload callback, sent with the request that creates the object. */
  callback?: UploadCallback | undefined;
  /** Use multipart even when the file fits in one part. */
  forceMultipart?: boolean | undefined;
  /**
   * What a resume must prove before it keeps a part an earlier run left on the server:
   * - 'content' (default): re-read the part from the file and keep it only if its MD5 is the
   *   server's ETag for it. Costs one read and hash of the parts kept (bench/README.md has the
   *   figures), and no edit of the file, forged checkpoint or restored mtime can get bytes that
   *   are not the file's into the object.
   * - 'identity': keep the parts the checkpoint records unread when the file's size, mtime, inode
   *   and inode change time (ctime) are all unchanged; otherwise verify as 'content'. Faster on
   *   slow disks; trusts the file system and the checkpoint directory.
   */
  resumeCheck?: ResumeCheck | undefined;
  /**
   * Human-readable notes on decisions: resumed, checkpoint not trusted and why, upload restarted;
   * and one when requests start failing (what, the retry budget, how much is kept) and one when
   * the server answers again.
   */
  onNote?: ((note: string) => void) | undefined;
  /**
   * Called once the part plan is known (before the first request that sends data): the part size
   * in use (grown for huge files, or taken from the checkpoint when `partSize` is not given) and
   * the number of parts.
   */
  onPlan?: ((plan: { partSize: number; partCount: number }) => void) | undefined;
  /**
   * While the upload rides out an outage: `{type: 'retry', ...}` before every retry of any of
   * its requests (which request, why, the wait, how much of the client's retry budget is
   * used, the bytes the server already holds), and `{type: 'recovered', ...}` once a request
   * succeeds again. The budget itself is the client's `retry.retryForMs`.
   */
  onRetry?: ((event: UploadRetryEvent) => void) | undefined;
}

/**
 * What resumableUploadFromSource() uploads: the bytes of a ByteSource (e.g. generated data)
 * instead of a file's. Nothing could resume it in a later process, so there is no checkpoint,
 * no resumeCheck and no pause(); parts, hashing, retries, Complete and the CRC-64 check are the
 * same as for a file. A cancelled or failed upload is aborted.
 */
export interface SourceUploadOptions extends Omit<ResumableUploadOptions, 'file' | 'checkpointDir' | 'resumeCheck'> {
  /** The bytes to upload; the same range must always give the same bytes (a retry reads it again). */
  source: ByteSource;
}

/** A finished upload: the object, and how much of it this call sent. */
export interface ResumableUploadResult {
  bucket: string;
  key: string;
  /** As the server reported it (quoted). */
  etag: string;
  /** Bytes of the object (the file's size). */
  size: number;
  /**
   * Unsigned decimal CRC-64/ECMA of the object, equal to the combination of the part CRCs (the
   * ones computed here with `localCrc64`, else the ones the server reported for each part).
   */
  crc64: string;
  /** undefined when the file went as one PutObject. */
  uploadId: string | undefined;
  /** Parts already on the server (from an earlier run) that were kept. */
  partsReused: number;
  /** File bytes uploaded by this call (retries of a part not counted twice). */
  bytesSent: number;
  /** x-oss-request-id of the request that created the object (Complete or PutObject). */
  requestId: string | undefined;
  /** With a callback: the callback server's answer, passed through by OSS. */
  callbackBody?: string | undefined;
  /** The object was stored but the callback failed. */
  callbackError?: Error | undefined;
  /**
   * Set when the upload succeeded but something looks wrong: the completed object's ETag is not
   * the multipart ETag of this upload's part count (`"<MD5>-<parts>"`). The CRC-64 check passed.
   */
  warning?: string | undefined;
}
