// Typed errors. Every message says what happened and what to do next; none may
// contain a secret (access key secret, security token, signature key).

export class OssError extends Error {
  override name = 'OssError';
  /** Stable machine-readable kind, for callers that do not want instanceof. */
  readonly kind: string = 'OssError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Extra, code-specific fields of an OSS <Error> body (StringToSign, UploadId, ArgumentName, ...). */
export type OssErrorExtras = Record<string, string>;

export interface OssServiceErrorInit {
  status: number;
  code: string;
  message: string;
  requestId?: string;
  hostId?: string;
  ec?: string;
  extras?: OssErrorExtras;
  /** The API that failed, e.g. "UploadPart". */
  operation?: string;
  /** How long the server asked the client to wait before retrying (x-oss-qos-delay-time, Retry-After). */
  retryAfterMs?: number | undefined;
}

/** The server answered with an OSS error (4xx/5xx or 203 CallbackFailed). */
export class OssServiceError extends OssError {
  override name = 'OssServiceError';
  override readonly kind = 'OssServiceError';
  readonly status: number;
  readonly code: string;
  readonly serverMessage: string;
  readonly requestId: string | undefined;
  readonly hostId: string | undefined;
  readonly ec: string | undefined;
  readonly extras: OssErrorExtras;
  readonly operation: string | undefined;
  /** How long the server asked the client to wait before retrying, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(init: OssServiceErrorInit) {
    const where = init.operation ? `${init.operation}: ` : '';
    const rid = init.requestId ? ` (request id ${init.requestId})` : '';
    const hint = adviceFor(init.code, init.status);
    super(`${where}OSS ${init.status} ${init.code}: ${init.message}${rid}${hint ? `. ${hint}` : ''}`);
    this.status = init.status;
    this.code = init.code;
    this.serverMessage = init.message;
    this.requestId = init.requestId;
    this.hostId = init.hostId;
    this.ec = init.ec;
    this.extras = init.extras ?? {};
    this.operation = init.operation;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** The request never got a complete HTTP answer (connection refused/reset, timeout, DNS). */
export class OssNetworkError extends OssError {
  override name = 'OssNetworkError';
  override readonly kind = 'OssNetworkError';
  readonly operation: string | undefined;
  /** The connection stopped making progress (no request bytes taken, or no answer, for the stall timeout). */
  readonly stalled: boolean;
  constructor(message: string, options: { cause?: unknown; operation?: string; stalled?: boolean } = {}) {
    super(`${options.operation ? `${options.operation}: ` : ''}${message}. Check the endpoint and the network; the request is safe to retry`, { cause: options.cause });
    this.operation = options.operation;
    this.stalled = options.stalled === true;
  }
}

/** Data integrity check failed: a part ETag/MD5 or the object CRC-64 does not match what was sent. */
export class OssChecksumError extends OssError {
  override name = 'OssChecksumError';
  override readonly kind = 'OssChecksumError';
  readonly expected: string;
  readonly actual: string;
  readonly what: string;
  constructor(what: string, expected: string, actual: string) {
    super(`${what} mismatch: expected ${expected}, server reported ${actual}. The data was corrupted in transit or at rest; upload it again`);
    this.what = what;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The operation was cancelled through an AbortSignal, cancel() or pause(). */
export class OssCancelledError extends OssError {
  override name = 'OssCancelledError';
  override readonly kind = 'OssCancelledError';
  constructor(message = 'The operation was cancelled', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The caller passed something unusable (bad bucket, key, part size, file); nothing was sent. */
export class OssInvalidArgumentError extends OssError {
  override name = 'OssInvalidArgumentError';
  override readonly kind = 'OssInvalidArgumentError';
  readonly argument: string;
  constructor(argument: string, message: string) {
    super(`Invalid ${argument}: ${message}`);
    this.argument = argument;
  }
}

/** The server's XML could not be understood (malformed, truncated, hostile, or missing fields). */
export class OssXmlError extends OssError {
  override name = 'OssXmlError';
  override readonly kind = 'OssXmlError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`${message}. The server sent a response this client cannot read; check that the endpoint is an OSS service`, options);
  }
}

function adviceFor(code: string, status: number): string {
  switch (code) {
    case 'SignatureDoesNotMatch':
      return 'Check OSS_ACCESS_KEY_SECRET, the region and the signature version';
    case 'InvalidAccessKeyId':
      return 'Check OSS_ACCESS_KEY_ID';
    case 'SecurityTokenExpired':
      return 'Refresh the STS credentials (OSS_SESSION_TOKEN)';
    case 'AccessDenied':
      return 'Check the credentials\' permissions on this bucket and key';
    case 'RequestTimeTooSkewed':
      return 'Fix this machine\'s clock';
    case 'NoSuchBucket':
      return 'Check the bucket name and the endpoint/region';
    case 'NoSuchUpload':
      return 'The multipart upload expired, was aborted or was completed; start a new upload';
    case 'InvalidDigest':
      return 'The data changed in transit; retry the upload';
    case 'FileAlreadyExists':
      return 'The object exists and overwrite is forbidden; choose another key or allow overwrite';
    case 'EntityTooSmall':
      return 'Every part but the last must be at least 100 KB; use a larger part size';
    default:
      return status >= 500 ? 'The service had a problem; retry later' : '';
  }
}

export function isOssError(err: unknown): err is OssError {
  return err instanceof OssError;
}
