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
 * - a factory that returns a fresh stream per attempt (length must be given),
 * - a factory that returns fresh chunks per attempt (length must be given), handed to the socket
 *   one by one: when the next chunk is asked for, the socket has taken every byte of the ones
 *   before (the HTTP client waits for it to drain), so the iterable may reuse their memory.
 */
export type BodySource =
  | Uint8Array
  | { file: string; start: number; end: number }
  | { stream: () => Readable; length: number }
  | { chunks: () => AsyncIterable<Uint8Array>; length: number };

/** The headers of the object a call creates. */
export interface ObjectHeaderOptions {
  /** Extra request headers (Content-Type, Cache-Control, x-oss-storage-class, x-oss-forbid-overwrite, ...). */
  headers?: Record<string, string> | undefined;
  /** User metadata, sent as x-oss-meta-<name>. */
  meta?: Record<string, string> | undefined;
}

/** Common to every result. */
export interface ResponseInfo {
  /** x-oss-request-id of the (last) response. */
  requestId: string | undefined;
}

/** InitiateMultipartUpload: the key and the object headers/metadata (they apply to the completed object). */
export interface InitiateMultipartUploadInput extends CallOptions, ObjectHeaderOptions {
  key: string;
}
/** The new upload; its id goes into every later call for it. */
export interface InitiateMultipartUploadResult extends ResponseInfo {
  bucket: string;
  key: string;
  uploadId: string;
}

/** UploadPart: one part of an upload, 100 KB to 5 GiB (the last may be smaller). */
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
/** The stored part; its ETag (the part's MD5) goes into CompleteMultipartUpload. */
export interface UploadPartResult extends ResponseInfo {
  partNumber: number;
  /** Quoted, as the server sent it: "\"403CCF89C608D9C7CE71E955F706EC5A\"". */
  etag: string;
  /** Base64 MD5 that was sent. */
  contentMd5: string;
  /** Decimal CRC-64/ECMA from x-oss-hash-crc64ecma, when the server sent it. */
  crc64: string | undefined;
}

/** ListParts: one page of an upload's parts (`maxParts`, default 1000), after `partNumberMarker`. */
export interface ListPartsInput extends CallOptions {
  key: string;
  uploadId: string;
  maxParts?: number | undefined;
  partNumberMarker?: number | undefined;
}
/** One uploaded part as the server lists it (`lastModified` as the server wrote it, ISO 8601). */
export interface PartInfo {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: string;
  crc64: string | undefined;
}
/** One page of parts; when `isTruncated`, ask again from `nextPartNumberMarker`. */
export interface ListPartsResult extends ResponseInfo {
  bucket: string;
  key: string;
  uploadId: string;
  parts: PartInfo[];
  isTruncated: boolean;
  nextPartNumberMarker: number | undefined;
}

/** A part to assemble: its number and the ETag UploadPart returned. */
export interface CompletedPart {
  partNumber: number;
  etag: string;
}
/** CompleteMultipartUpload: the parts to assemble (or `completeAll`), with headers such as x-oss-forbid-overwrite and an optional upload callback. */
export interface CompleteMultipartUploadInput extends CallOptions {
  key: string;
  uploadId: string;
  /** Parts in ascending order. Omit and set `completeAll` to let the server take every uploaded part. */
  parts?: CompletedPart[] | undefined;
  completeAll?: boolean | undefined;
  headers?: Record<string, string> | undefined;
  callback?: UploadCallback | undefined;
}
/** An upload callback: OSS POSTs `body` (with ${bucket}, ${object}, ${etag}, ... and the x: vars filled in) to `url` once the object exists, and passes the answer through. */
export interface UploadCallback {
  url: string;
  body: string;
  host?: string | undefined;
  contentType?: 'application/x-www-form-urlencoded' | 'application/json' | undefined;
  /** Custom variables; names must start with "x:". */
  vars?: Record<string, string> | undefined;
}
/** The completed object: its multipart ETag ("<MD5>-<parts>") and CRC-64. */
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

/** AbortMultipartUpload: the upload to abort. */
export interface AbortMultipartUploadInput extends CallOptions {
  key: string;
  uploadId: string;
}

/** ListMultipartUploads: one page of unfinished uploads under `prefix` (`maxUploads`, default 1000), after the markers. */
export interface ListMultipartUploadsInput extends CallOptions {
  prefix?: string | undefined;
  delimiter?: string | undefined;
  keyMarker?: string | undefined;
  uploadIdMarker?: string | undefined;
  maxUploads?: number | undefined;
}
/** An unfinished upload (`initiated` as the server wrote it, ISO 8601). */
export interface MultipartUploadInfo {
  key: string;
  uploadId: string;
  initiated: string;
}
/** One page of unfinished uploads; when `isTruncated`, ask again from the next markers. */
export interface ListMultipartUploadsResult extends ResponseInfo {
  bucket: string;
  uploads: MultipartUploadInfo[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker: string | undefined;
  nextUploadIdMarker: string | undefined;
}

/** PutObject: the whole object in one request (up to 5 GiB), with Content-MD5 computed unless given. */
export interface PutObjectInput extends CallOptions, ObjectHeaderOptions {
  key: string;
  body: BodySource;
  contentMd5?: string | undefined;
  callback?: UploadCallback | undefined;
  onBodyProgress?: ((bytes: number) => void) | undefined;
}
/** The stored object: its ETag (the MD5) and CRC-64. */
export interface PutObjectResult extends ResponseInfo {
  etag: string;
  contentMd5: string;
  crc64: string | undefined;
  callbackBody?: string | undefined;
  callbackError?: Error | undefined;
}

/** DeleteObject: the object to delete (no error when there is none). */
export interface DeleteObjectInput extends CallOptions {
  key: string;
}

/** HeadObject: the object to describe. */
export interface HeadObjectInput extends CallOptions {
  key: string;
}
/** An object's description: `meta` holds x-oss-meta-* read back as UTF-8 text; `headers` every response header as received (one character per byte). */
export interface HeadObjectResult extends ResponseInfo {
  size: number;
  etag: string;
  crc64: string | undefined;
  lastModified: string | undefined;
  contentType: string | undefined;
  meta: Record<string, string>;
  headers: Record<string, string>;
}

/** GetObject: the object, or a byte range of it. */
export interface GetObjectInput extends CallOptions {
  key: string;
  /** Inclusive byte range, as in HTTP Range. */
  range?: { start: number; end?: number | undefined } | undefined;
}
/** The object's description and its bytes as a stream (`status` 206 for a range). */
export interface GetObjectResult extends HeadObjectResult {
  status: number;
  body: Readable;
}
