// Inputs and outputs of the OSS APIs this client speaks. Shared by lib/api/*, the client
// facade, the upload engine and the CLI.
import type { Readable } from 'node:stream';
import type { RetryWait } from '../transport/retry.js';

export type { RetryReason, RetryWait } from '../transport/retry.js';

/** Common to every call. */
export interface CallOptions {
  /** Defaults to the client's `bucket`. */
  bucket?: string | undefined;
  /** Cancels the request (and its retries) at once. */
  signal?: AbortSignal | undefined;
  /**
   * Called before each retry, with the attempt that failed (1 = the first), its error and what
   * the request now waits for (how long, why, and how much of the retry budget is used).
   */
  onRetry?: ((attempt: number, error: Error, wait: RetryWait) => void) | undefined;
}

/**
 * A request body that can be sent again on retry:
 * - a Buffer/Uint8Array (sent as is),
 * - a byte range of a local file (re-opened for every attempt, never buffered whole),
 * - a factory that returns a fresh stream per attempt (length must be given).
 */
export type BodySource =
  | Uint8Array
  | { file: string; start: number; end: number }
  | { stream: () => Readable; length: number };

export interface ObjectHeaderOptions {
  /** Extra request headers (Content-Type, Cache-Control, x-oss-storage-class, x-oss-forbid-overwrite, ...). */
  headers?: Record<string, string> | undefined;
  /** User metadata, sent as x-oss-meta-<name>. */
  meta?: Record<string, string> | undefined;
}

export interface ResponseInfo {
  /** x-oss-request-id of the (last) response. */
  requestId: string | undefined;
}

export interface InitiateMultipartUploadInput extends CallOptions, ObjectHeaderOptions {
  key: string;
}
export interface InitiateMultipartUploadResult extends ResponseInfo {
  bucket: string;
  key: string;
  uploadId: string;
}

export interface UploadPartInput extends CallOptions {
  key: string;
  uploadId: string;
  /** 1..10000 */
  partNumber: number;
  body: BodySource;
  /** Base64 MD5 of the body; computed (streaming, hash-wasm) when omitted. */
  contentMd5?: string | undefined;
  /** Called with byte counts as the body leaves this process (for progress). Reset by `onRetry`. */
  onBodyProgress?: ((bytes: number) => void) | undefined;
  /** Also means: the bytes of this part reported by `onBodyProgress` so far must be sent again. */
  onRetry?: ((attempt: number, error: Error, wait: RetryWait) => void) | undefined;
}
export interface UploadPartResult extends ResponseInfo {
  partNumber: number;
  /** Quoted, as the server sent it: "\"403CCF89C608D9C7CE71E955F706EC5A\"". */
  etag: string;
  /** Base64 MD5 that was sent. */
  contentMd5: string;
  /** Decimal CRC-64/ECMA from x-oss-hash-crc64ecma, when the server sent it. */
  crc64: string | undefined;
}

export interface ListPartsInput extends CallOptions {
  key: string;
  uploadId: string;
  maxParts?: number | undefined;
  partNumberMarker?: number | undefined;
}
export interface PartInfo {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: string;
  crc64: string | undefined;
}
export interface ListPartsResult extends ResponseInfo {
  bucket: string;
  key: string;
  uploadId: string;
  parts: PartInfo[];
  isTruncated: boolean;
  nextPartNumberMarker: number | undefined;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}
export interface CompleteMultipartUploadInput extends CallOptions {
  key: string;
  uploadId: string;
  /** Parts in ascending order. Omit and set `completeAll` to let the server take every uploaded part. */
  parts?: CompletedPart[] | undefined;
  completeAll?: boolean | undefined;
  headers?: Record<string, string> | undefined;
  callback?: UploadCallback | undefined;
}
export interface UploadCallback {
  url: string;
  body: string;
  host?: string | undefined;
  contentType?: 'application/x-www-form-urlencoded' | 'application/json' | undefined;
  /** Custom variables; names must start with "x:". */
  vars?: Record<string, string> | undefined;
}
export interface CompleteMultipartUploadResult extends ResponseInfo {
  bucket: string;
  key: string;
  etag: string;
  location: string | undefined;
  crc64: string | undefined;
  /** With a callback: the callback server's body, passed through by OSS. */
  callbackBody?: string | undefined;
  /** 203 CallbackFailed: the object exists but the callback failed; this is the error. */
  callbackError?: Error | undefined;
}

export interface AbortMultipartUploadInput extends CallOptions {
  key: string;
  uploadId: string;
}

export interface ListMultipartUploadsInput extends CallOptions {
  prefix?: string | undefined;
  delimiter?: string | undefined;
  keyMarker?: string | undefined;
  uploadIdMarker?: string | undefined;
  maxUploads?: number | undefined;
}
export interface MultipartUploadInfo {
  key: string;
  uploadId: string;
  initiated: string;
}
export interface ListMultipartUploadsResult extends ResponseInfo {
  bucket: string;
  uploads: MultipartUploadInfo[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker: string | undefined;
  nextUploadIdMarker: string | undefined;
}

export interface PutObjectInput extends CallOptions, ObjectHeaderOptions {
  key: string;
  body: BodySource;
  contentMd5?: string | undefined;
  callback?: UploadCallback | undefined;
  onBodyProgress?: ((bytes: number) => void) | undefined;
}
export interface PutObjectResult extends ResponseInfo {
  etag: string;
  contentMd5: string;
  crc64: string | undefined;
  callbackBody?: string | undefined;
  callbackError?: Error | undefined;
}

export interface HeadObjectInput extends CallOptions {
  key: string;
}
export interface HeadObjectResult extends ResponseInfo {
  size: number;
  etag: string;
  crc64: string | undefined;
  lastModified: string | undefined;
  contentType: string | undefined;
  meta: Record<string, string>;
  headers: Record<string, string>;
}

export interface GetObjectInput extends CallOptions {
  key: string;
  /** Inclusive byte range, as in HTTP Range. */
  range?: { start: number; end?: number | undefined } | undefined;
}
export interface GetObjectResult extends HeadObjectResult {
  status: number;
  body: Readable;
}
