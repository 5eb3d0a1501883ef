// OssClient: configuration (endpoint, credentials, signing, retries) and one method per API.
// Each method validates its names, then delegates to lib/api/<operation>.ts. Methods are async so
// bad input surfaces as a rejected promise, like every other failure.
import { readFileSync } from 'node:fs';
import { OssInvalidArgumentError } from './errors.js';
import { CredentialsCache, defaultSignatureVersion, regionFromHost, type CredentialsSource, type SignatureVersion } from './signer/index.js';
import { HttpTransport, DEFAULT_TIMEOUTS } from './transport/http.js';
import { parseEndpoint } from './transport/endpoint.js';
import { DEFAULT_RETRY, type RetryOptions } from './transport/retry.js';
import type { RequestObserver } from './transport/observer.js';
import { validateBucketName, validateObjectKey } from './validate.js';
import { initiateMultipartUpload } from './api/initiate-multipart-upload.js';
import { uploadPart } from './api/upload-part.js';
import { listAllParts, listParts } from './api/list-parts.js';
import { completeMultipartUpload } from './api/complete-multipart-upload.js';
import { abortMultipartUpload } from './api/abort-multipart-upload.js';
import { listAllMultipartUploads, listMultipartUploads } from './api/list-multipart-uploads.js';
import { putObject } from './api/put-object.js';
import { getObject, headObject } from './api/read-object.js';
import { deleteObject } from './api/delete-object.js';
import {
  resumableUpload as startResumableUpload,
  resumableUploadFromSource as startSourceUpload,
  type ResumableUploadHandle,
  type ResumableUploadOptions,
  type SourceUploadOptions,
} from './upload/index.js';
import type * as T from './api/types.js';

/** How an OssClient connects, signs, retries and times out. */
export interface OssClientOptions {
  /** 'https://oss-cn-hangzhou.aliyuncs.com' or 'http://127.0.0.1:9000'; without a scheme, https. */
  endpoint: string;
  /** Default bucket for every call. */
  bucket?: string | undefined;
  /** Static credentials, or a provider called when they are missing or about to expire (STS). */
  credentials: CredentialsSource;
  /** V4 region id (cn-hangzhou); derived from an oss-<region>.aliyuncs.com endpoint when omitted. */
  region?: string | undefined;
  /** Default: v4 when the region is known, else v1 (local and custom endpoints). */
  signatureVersion?: SignatureVersion | undefined;
  /** Default: virtual-hosted for *.aliyuncs.com, path-style for IPs, localhost and custom hosts. */
  pathStyle?: boolean | undefined;
  /**
   * Retries of failures that are safe to repeat (network errors, stalls, 5xx, 408, throttling):
   * by default for up to 10 minutes without a successful request (`retryForMs`), with full-jitter
   * backoff from 200 ms doubling to at most 10 s, and the server's own wait when it gives one.
   */
  retry?: RetryOptions | undefined;
  /**
   * `headersMs` and `bodyMs` (default 60 s each) are the stall timeouts: no request bytes taken
   * (or no answer after the last one) for `headersMs`, or a response body silent for `bodyMs`,
   * and the request is abandoned with its connection and retried on a fresh one.
   */
  timeouts?: { connectMs?: number | undefined; headersMs?: number | undefined; bodyMs?: number | undefined } | undefined;
  /**
   * Connections per origin in the undici Pool (default 16): the most requests in flight at once,
   * and so the most parts a resumable upload sends at once whatever its `parallel`.
   */
  connections?: number | undefined;
  /**
   * Told how every attempt of every request went: when it started, when its last body byte was
   * handed to the connection, when the answer's headers came, its status and bytes, the API and
   * part number (what `oss-resumable bench` records). Unset, nothing is timed.
   */
  observer?: RequestObserver | undefined;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * A client of one OSS endpoint: one method per API, signed (V1 or V4), retried, over a pool of
 * keep-alive connections per origin. Call `close()` when done with it.
 */
export class OssClient {
  /** The default bucket of every call, if one was given. */
  readonly bucket: string | undefined;
  /** Normalized origin of the endpoint, without a bucket or trailing slash. */
  readonly endpoint: string;
  /** The V4 region: as given, else from an oss-<region>.aliyuncs.com endpoint. */
  readonly region: string | undefined;
  /** The signature version in use: as given, else V4 when the region is known, else V1. */
  readonly signatureVersion: SignatureVersion;
  /**
   * Connections per origin in the undici Pool: the most requests in flight at once. An upload's
   * `parallel` is capped at it, since a part waiting for a connection would only hold memory.
   */
  readonly connections: number;
  /** @internal shared with the upload engine */
  readonly transport: HttpTransport;

  /**
   * Checks the options (endpoint, bucket, signature version and region) and sets up the
   * connection pool; no request is sent until a method is called.
   * @throws OssInvalidArgumentError for an unusable endpoint, bucket name, signature version or
   * connection count, or V4 without a region.
   */
  constructor(options: OssClientOptions) {
    if (!options || typeof options.endpoint !== 'string' || !options.endpoint) {
      throw new OssInvalidArgumentError('endpoint', 'an endpoint is required (e.g. https://oss-cn-hangzhou.aliyuncs.com); set OSS_ENDPOINT or pass `endpoint`');
    }
    const endpoint = parseEndpoint(options.endpoint, options.pathStyle);
    if (options.bucket !== undefined) validateBucketName(options.bucket);
    this.bucket = options.bucket;
    this.endpoint = `${endpoint.protocol}//${endpoint.host}`;
    this.region = options.region ?? regionFromHost(endpoint.hostname);
    if (options.signatureVersion !== undefined && options.signatureVersion !== 'v1' && options.signatureVersion !== 'v4') {
      throw new OssInvalidArgumentError('signatureVersion', `${JSON.stringify(options.signatureVersion)} is not v1 or v4`);
    }
    this.signatureVersion = defaultSignatureVersion(this.region, options.signatureVersion);
    if (this.signatureVersion === 'v4' && !this.region) {
      throw new OssInvalidArgumentError('region', 'V4 signing needs a region; pass `region` (--region) or use an oss-<region>.aliyuncs.com endpoint');
    }
    const connections = options.connections ?? 16;
    if (!Number.isInteger(connections) || connections < 1) throw new OssInvalidArgumentError('connections', 'must be a positive integer');
    this.connections = connections;
    const retry = { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) };
    if (!(retry.retryForMs >= 0)) throw new OssInvalidArgumentError('retry.retryForMs', 'must be a number of milliseconds >= 0 (0: never retry; Infinity: retry for ever)');
    if (!(retry.maxAttempts >= 1)) throw new OssInvalidArgumentError('retry.maxAttempts', 'must be at least 1 (1: never retry)');
    const timeouts = { ...DEFAULT_TIMEOUTS, ...definedOnly(options.timeouts ?? {}) };
    for (const [name, ms] of Object.entries(timeouts)) {
      if (!(ms >= 0 && Number.isFinite(ms))) throw new OssInvalidArgumentError(`timeouts.${name}`, 'must be a number of milliseconds >= 0 (0: no limit)');
    }
    this.transport = new HttpTransport({
      endpoint,
      credentials: new CredentialsCache(options.credentials),
      signer: { version: this.signatureVersion, region: this.region },
      retry,
      timeouts,
      connections,
      observer: options.observer,
      userAgent: `oss-resumable/${VERSION} (node ${process.version})`,
    });
  }

  /** Starts a multipart upload (with the object's headers, metadata and ACL); returns its upload id. */
  async initiateMultipartUpload(input: T.InitiateMultipartUploadInput): Promise<T.InitiateMultipartUploadResult> {
    return initiateMultipartUpload(this.transport, this.#bucket(input), { ...input, key: validateObjectKey(input.key) });
  }

  /** Uploads one part (1..10000) with Content-MD5; the returned ETag is checked against it. */
  async uploadPart(input: T.UploadPartInput): Promise<T.UploadPartResult> {
    return uploadPart(this.transport, this.#bucket(input), { ...input, key: validateObjectKey(input.key) });
  }

  /** One page of the parts uploaded so far. */
  async listParts(input: T.ListPartsInput): Promise<T.ListPartsResult> {
    return listParts(this.transport, this.#bucket(input), { ...input, key: validateObjectKey(input.key) });
  }

  /** Every uploaded part, walking all ListParts pages. */
  async listAllParts(input: Omit<T.ListPartsInput, 'partNumberMarker'>): Promise<T.PartInfo[]> {
    return listAllParts(this.transport, this.#bucket(input), { ...input, key: validateObjectKey(input.key) });
  }

  /** Assembles the listed parts (or every part, with `completeAll`) into the object; handles upload callbacks. */
  async completeMultipartUpload(input: T.CompleteMultipartUploadInput): Promise<T.CompleteMultipartUploadResult> {
    return completeMultipartUpload(this.transport, this.#bucket(input), { ...input, key: validateObjectKey(input.key) });
  }

  /** Aborts a multipart upload and frees its parts. */
  async abortMultipartUpload(input: T.AbortMultipartUploadInput): Promise<T.ResponseInfo> {
    return abortMultipartUpload(this.transport, this.#bucket(input), { ...input, key: validateObjectKey(input.key) });
  }

  /** One page of the bucket's unfinished multipart uploads. */
  async listMultipartUploads(input: T.ListMultipartUploadsInput = {}): Promise<T.ListMultipartUploadsResult> {
    return listMultipartUploads(this.transport, this.#bucket(input), input);
  }

  /** Every unfinished multipart upload (under `prefix`), walking all pages. */
  async listAllMultipartUploads(input: Omit<T.ListMultipartUploadsInput, 'keyMarker' | 'uploadIdMarker'> = {}): Promise<T.MultipartUploadInfo[]> {
    return listAllMultipartUploads(this.transport, this.#bucket(input), input);
  }

  /** Uploads an object in one request, with Content-MD5. */
  async putObject(input: T.PutObjectInput): Promise<T.PutObjectResult> {
    return putObject(this.transport, this.#bucket(input), { ...input, key: validateObjectKey(input.key) });
  }

  /** The object's size, ETag, CRC-64, metadata and headers, without its bytes. */
  async headObject(input: T.HeadObjectInput): Promise<T.HeadObjectResult> {
    return headObject(this.transport, this.#bucket(input), { ...input, key: validateObjectKey(input.key) });
  }

  /** The object's bytes as a stream (optionally a byte range). */
  async getObject(input: T.GetObjectInput): Promise<T.GetObjectResult> {
    return getObject(this.transport, this.#bucket(input), { ...input, key: validateObjectKey(input.key) });
  }

  /** Deletes the object; a key with no object is not an error (OSS answers 204 either way). */
  async deleteObject(input: T.DeleteObjectInput): Promise<T.ResponseInfo> {
    return deleteObject(this.transport, this.#bucket(input), { ...input, key: validateObjectKey(input.key) });
  }

  /**
   * Uploads a local file with resumable multipart upload (or one PutObject when it fits in a
   * part). Returns a handle: `await` it or its `done`, or `cancel()` / `pause()` it.
   */
  resumableUpload(options: ResumableUploadOptions): ResumableUploadHandle {
    return startResumableUpload(this, options);
  }

  /**
   * Uploads the bytes of a ByteSource (e.g. generated data) the way resumableUpload() uploads a
   * file, without a checkpoint: nothing could resume it later, so a cancel or failure aborts it.
   */
  resumableUploadFromSource(options: SourceUploadOptions): ResumableUploadHandle {
    return startSourceUpload(this, options);
  }

  /** Closes every pooled connection. In-flight requests fail. */
  close(): Promise<void> {
    return this.transport.close();
  }

  #bucket(input: T.CallOptions): string {
    const bucket = input.bucket ?? this.bucket;
    if (bucket === undefined) throw new OssInvalidArgumentError('bucket', 'no bucket given; pass `bucket` to the call or to the client');
    return validateBucketName(bucket);
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
