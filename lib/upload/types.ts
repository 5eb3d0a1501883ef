// Options and result of a resumable upload, shared by the engine's modules and the public API.
import type { UploadCallback } from '../api/types.js';
import type { UploadRetryEvent } from './retry-report.js';

export interface ResumableUploadOptions {
  /** Local file to upload. */
  file: string;
  key: string;
  /** Defaults to the client's bucket. */
  bucket?: string | undefined;
  /** Where the checkpoint lives; without it an interrupted upload cannot be resumed by a later call. */
  checkpointDir?: string | undefined;
  /**
   * Bytes per part; default DEFAULT_PART_SIZE, grown so the file needs at most 10000 parts.
   * Parts up to MAX_BUFFERED_PART_SIZE (16 MiB) are read once into a reusable buffer per part in
   * flight, hashed from memory and sent from it: memory is about parallel × partSize. Larger
   * parts are hashed by streaming the file range and then streamed again for the send: memory
   * stays small at any part size, but the file is read twice and the CPU cost is higher.
   */
  partSize?: number | undefined;
  /** Parts in flight at once; default DEFAULT_PARALLEL. */
  parallel?: number | undefined;
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
   * Human-readable notes on decisions: resumed, checkpoint not trusted and why, upload restarted;
   * and one when requests start failing (what, the retry budget, how much is kept) and one when
   * the server answers again.
   */
  onNote?: ((note: string) => void) | undefined;
  /**
   * While the upload rides out an outage: `{type: 'retry', ...}` before every retry of any of
   * its requests (which request, why, the wait, how much of the client's retry budget is
   * used, the bytes the server already holds), and `{type: 'recovered', ...}` once a request
   * succeeds again. The budget itself is the client's `retry.retryForMs`.
   */
  onRetry?: ((event: UploadRetryEvent) => void) | undefined;
}

export interface ResumableUploadResult {
  bucket: string;
  key: string;
  /** As the server reported it (quoted). */
  etag: string;
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
  requestId: string | undefined;
  /** With a callback: the callback server's answer, passed through by OSS. */
  callbackBody?: string | undefined;
  /** The object was stored but the callback failed. */
  callbackError?: Error | undefined;
}
