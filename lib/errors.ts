// Typed errors. Every message says what happened and what to do next; none may
// contain a secret (access key secret, security token, signature key).

/** The base of every error this library throws; `kind` names the subclass. */
export class OssError extends Error {
  override name = 'OssError';
  /** Stable machine-readable kind, for callers that do not want instanceof. */
  readonly kind: string = 'OssError';
  /** `cause`: the underlying error, if any. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Extra, code-specific fields of an OSS <Error> body (StringToSign, UploadId, ArgumentName, ...). */
export type OssErrorExtras = Record<string, string>;

/** The fields of an OssServiceError, as read from the response. */
export interface OssServiceErrorInit {
  /** HTTP status. */
  status: number;
  /** OSS error code, e.g. "NoSuchUpload". */
  code: string;
  /** The server's message. */
  message: string;
  /** x-oss-request-id, for Alibaba Cloud support. */
  requestId?: string;
  /** The host that answered. */
  hostId?: string;
  /** The detailed error code (EC), e.g. "0002-00000040". */
  ec?: string;
  /** Code-specific fields of the error body. */
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
  /** HTTP status, e.g. 404 (203 for CallbackFailed). */
  readonly status: number;
  /** OSS error code, e.g. "NoSuchUpload", "SignatureDoesNotMatch"; "Http<status>" when the body had none. */
  readonly code: string;
  /** The server's own message (`message` adds the API, the request id and advice). */
  readonly serverMessage: string;
  /** x-oss-request-id: quote it to Alibaba Cloud support. */
  readonly requestId: string | undefined;
  /** The host that answered, from the error body. */
  readonly hostId: string | undefined;
  /** The detailed error code (EC), from the body or x-oss-ec. */
  readonly ec: string | undefined;
  /** Code-specific fields of the error body (StringToSign, UploadId, ...), security tokens blanked. */
  readonly extras: OssErrorExtras;
  /** The API that failed, e.g. "UploadPart". */
  readonly operation: string | undefined;
  /** How long the server asked the client to wait before retrying, when it said. */
  readonly retryAfterMs: number | undefined;

  /** The message is built from the fields: API, status, code, server message, request id, advice. */
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
  /** The API that failed, e.g. "UploadPart". */
  readonly operation: string | undefined;
  /** The connection stopped making progress (no request bytes taken, or no answer, for the stall timeout). */
  readonly stalled: boolean;
  /** `cause`: the socket or undici error. */
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
  /** What this side computed. */
  readonly expected: string;
  /** What the server reported. */
  readonly actual: string;
  /** What was checked, e.g. "part 3 ETag" or "object k CRC-64". */
  readonly what: string;
  /** The message names all three and says to upload again. */
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
  /** `cause`: the abort reason, if any. */
  constructor(message = 'The operation was cancelled', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The caller passed something unusable (bad bucket, key, header value, part size, file): raised
 * before any request, so nothing was sent. Also an endpoint found unusable on connecting (https://
 * against a plain-HTTP server), and a file that changed during its upload.
 */
export class OssInvalidArgumentError extends OssError {
  override name = 'OssInvalidArgumentError';
  override readonly kind = 'OssInvalidArgumentError';
  /** The option or argument at fault, e.g. "key", "meta", "checkpointDir". */
  readonly argument: string;
  /** The message reads "Invalid <argument>: <message>"; `cause`, the failure it explains, if any. */
  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super(`Invalid ${argument}: ${message}`, options);
    this.argument = argument;
  }
}

/** The server's XML could not be understood (malformed, truncated, hostile, or missing fields). */
export class OssXmlError extends OssError {
  override name = 'OssXmlError';
  override readonly kind = 'OssXmlError';
  /** The message adds a hint to check that the endpoint is an OSS service. */
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

/** True for every error this library throws (any OssError subclass). */
export function isOssError(err: unknown): err is OssError {
  return err instanceof OssError;
}
