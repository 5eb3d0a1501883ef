// Turning what undici, the file system and the server said into this library's typed errors.
import type { Dispatcher } from 'undici';
import { OssCancelledError, OssError, OssInvalidArgumentError, OssNetworkError, OssServiceError } from '../errors.js';
import { decodeErrorFromHeader, decodeErrorXml } from '../xml/decode.js';
import { retryAfterFromHeaders } from './retry.js';

const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EMFILE']);

/** Any failure while sending or receiving, as a typed error. `signal` tells a cancellation apart from a reset. */
export function toOssError(error: unknown, operation: string, signal: AbortSignal | undefined): OssError {
  if (error instanceof OssError) return error;
  if (signal?.aborted) return new OssCancelledError(`${operation} was cancelled`, { cause: signal.reason });
  const err = error as NodeJS.ErrnoException & { code?: string; path?: string };
  if (err?.name === 'AbortError' || err?.code === 'UND_ERR_ABORTED') return new OssCancelledError(`${operation} was cancelled`, { cause: error });
  if (err?.code && FILE_ERRORS.has(err.code) && err.syscall !== 'connect') {
    return new OssInvalidArgumentError('file', `${err.path ?? 'the source file'} could not be read (${err.code}); check that it exists and is readable`);
  }
  if (err?.code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new OssInvalidArgumentError('file', 'the request body was shorter or longer than declared; the source file changed while it was being sent. Re-run once the file is stable');
  }
  const stall = STALLS[err?.code ?? ''];
  if (stall) return new OssNetworkError(`the connection stalled: ${stall} within the stall timeout; abandoned it for a fresh one`, { cause: error, operation, stalled: true });
  const detail = err?.code ? `${err.code}: ${err.message}` : String(err?.message ?? error);
  return new OssNetworkError(`request failed before a complete response (${detail})`, { cause: error, operation });
}

/**
 * An https:// origin whose server answered in plain HTTP: OpenSSL reports a "wrong version number".
 * Retrying cannot help, so this is a bad endpoint, not a network failure.
 */
export function plainHttpServer(error: unknown, origin: string): OssInvalidArgumentError | undefined {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (!origin.startsWith('https://') || (code !== 'ERR_SSL_WRONG_VERSION_NUMBER' && code !== 'ERR_SSL_HTTP_REQUEST')) return undefined;
  const plain = `http://${origin.slice('https://'.length)}`;
  return new OssInvalidArgumentError('endpoint', `the server at ${origin} does not speak TLS; use ${plain} (an endpoint without a scheme means https://)`);
}
/** undici's no-progress timeouts (see Timeouts in ./http.ts), in words. */
const STALLS: Record<string, string> = {
  UND_ERR_HEADERS_TIMEOUT: 'the server took no more request bytes, or did not start its answer after the last one,',
  UND_ERR_BODY_TIMEOUT: 'the answer stopped arriving',
};

type Headers = Dispatcher.ResponseData['headers'];

export function headerString(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The OSS error of a non-2xx response: from the XML body, else from x-oss-err, else from the status alone. */
export function serviceErrorFrom(status: number, headers: Headers, bodyText: string, operation: string): OssServiceError {
  const requestId = headerString(headers, 'x-oss-request-id');
  let decoded: ReturnType<typeof decodeErrorXml> | undefined;
  try {
    if (bodyText.trim()) decoded = decodeErrorXml(bodyText);
    else {
      const xErr = headerString(headers, 'x-oss-err');
      if (xErr) decoded = decodeErrorFromHeader(xErr);
    }
  } catch {
    decoded = undefined; // an unreadable error body still yields an error from the status
  }
  return new OssServiceError({
    status,
    code: decoded?.code ?? codeForStatus(status),
    message: decoded?.message ?? `HTTP ${status} without an OSS error body`,
    requestId: decoded?.requestId ?? requestId,
    hostId: decoded?.hostId,
    ec: decoded?.ec ?? headerString(headers, 'x-oss-ec'),
    extras: decoded?.extras && redactSecurityToken(decoded.extras),
    operation,
    retryAfterMs: retryAfterFromHeaders((name) => headerString(headers, name)),
  });
}

const TOKEN_IN_HEADERS = /(x-oss-security-token:)[^\n]*/gi;
const TOKEN_IN_QUERY = /((?:^|[?&\n])(?:x-oss-)?security-token=)[^&\n]*/gi;

/**
 * OSS echoes what it signed (StringToSign, CanonicalRequest) on SignatureDoesNotMatch, and with
 * STS credentials that includes the security token. Errors get logged whole, so blank it.
 */
function redactSecurityToken(extras: Record<string, string>): Record<string, string> {
  const redacted: Record<string, string> = { ...extras };
  for (const name of ['StringToSign', 'CanonicalRequest']) {
    const value = redacted[name];
    if (value !== undefined) redacted[name] = value.replace(TOKEN_IN_HEADERS, '$1<redacted>').replace(TOKEN_IN_QUERY, '$1<redacted>');
  }
  if (redacted['StringToSignBytes'] !== undefined) {
    // The same string as hex bytes: re-derive it from the redacted text, or drop it.
    const text = redacted['StringToSign'];
    if (text === undefined) delete redacted['StringToSignBytes'];
    else redacted['StringToSignBytes'] = [...Buffer.from(text, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  }
  return redacted;
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400: return 'BadRequest';
    case 403: return 'AccessDenied';
    case 404: return 'NotFound';
    case 408: return 'RequestTimeout';
    case 409: return 'Conflict';
    case 416: return 'InvalidRange';
    case 429: return 'TooManyRequests';
    case 503: return 'ServiceUnavailable';
    default: return status >= 500 ? 'InternalError' : `Http${status}`;
  }
}
