// One signed OSS request over undici: a keep-alive Pool per origin, streaming bodies,
// timeouts, cancellation, and retries with backoff for failures that are safe to repeat.
import type { Dispatcher } from 'undici';
import { Pool, request as undiciRequest } from './undici.js';
import type { Readable } from 'node:stream';
import { OssCancelledError, OssServiceError, OssXmlError, type OssError } from '../errors.js';
import { signRequest, type CredentialsCache, type SignableRequest, type SignerConfig } from '../signer/index.js';
import { wireString } from '../signer/header-bytes.js';
import type { BodySource } from '../api/types.js';
import { bodyLength, openBody } from './body.js';
import { connectorFor } from './connector.js';
import { SigningClock } from './clock.js';
import { encodeQuery, requestTarget, type Endpoint } from './endpoint.js';
import { headerString, plainHttpServer, serviceErrorFrom, toOssError } from './errors.js';
import { AttemptTimer, report, type RequestObserver } from './observer.js';
import { isRetryable, OutageClock, retryDelay, retryReason, spokenDuration, type RetryOptions, type RetryWait } from './retry.js';

/**
 * `headersMs` and `bodyMs` are the stall timeouts: a request that makes no progress for that
 * long is abandoned (its connection destroyed) and retried on a fresh connection.
 */
export interface Timeouts {
  connectMs: number;
  /**
   * Longest time the socket may take no request bytes (undici restarts this timer whenever it
   * writes another chunk of the body, 1 MiB or less) or, after the last byte, the server may
   * take to start its answer.
   */
  headersMs: number;
  /** Longest silence while a response body streams in. */
  bodyMs: number;
}

/** See README "Retries and stalls" for how the 60 s stall timeout was chosen. */
export const DEFAULT_STALL_MS = 60_000;
export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: DEFAULT_STALL_MS, bodyMs: DEFAULT_STALL_MS };

export interface TransportOptions {
  endpoint: Endpoint;
  credentials: CredentialsCache;
  signer: SignerConfig;
  retry: Required<RetryOptions>;
  timeouts: Timeouts;
  connections: number;
  userAgent: string;
  /** Told of every attempt's timing (OssClientOptions.observer); undefined: nothing is timed. */
  observer?: RequestObserver | undefined;
}

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';

export interface OssRequest {
  /** API name, for error messages and logs. */
  operation: string;
  method: HttpMethod;
  bucket?: string | undefined;
  key?: string | undefined;
  query?: Record<string, string> | undefined;
  headers?: Record<string, string> | undefined;
  body?: BodySource | string | undefined;
  signal?: AbortSignal | undefined;
  /** 'text' reads the body (bounded), 'stream' hands it over, 'none' discards it. */
  responseType: 'text' | 'stream' | 'none';
  maxResponseBytes?: number | undefined;
  onBodyProgress?: ((bytes: number) => void) | undefined;
  /** Called before each retry: the attempt that failed (1 = the first), its error, and the wait. */
  onRetry?: ((attempt: number, error: Error, wait: RetryWait) => void) | undefined;
  /**
   * For 2xx answers that may still carry an OSS <Error> document instead of the result (S3 does
   * this for CompleteMultipartUpload; a proxy may): such an answer is that service error.
   */
  errorIn2xx?: boolean | undefined;
}

export interface OssResponse {
  status: number;
  headers: Record<string, string>;
  requestId: string | undefined;
  /** The body for responseType 'text', else ''. */
  text: string;
  /** The body for responseType 'stream'. */
  body: Readable | undefined;
}

const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 1024 * 1024;
const AUTH_TOKEN_CODES = new Set(['SecurityTokenExpired', 'InvalidSecurityToken']);
/** The root element of an <Error> document, after an optional XML declaration. */
const ERROR_DOCUMENT = /^\s*(?:<\?xml[^>]*\?>\s*)?<Error[\s>]/;

export class HttpTransport {
  readonly clock = new SigningClock();
  readonly #options: TransportOptions;
  readonly #pools = new Map<string, Pool>();
  /** When the current run of failures of this client began; any success ends it. */
  readonly #outage = new OutageClock();
  #closed = false;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  get endpoint(): Endpoint {
    return this.#options.endpoint;
  }

  async send(request: OssRequest): Promise<OssResponse> {
    const { retry } = this.#options;
    let refreshedCredentials = false;
    let correctedClock = false;
    let firstFailure: number | undefined;
    for (let attempt = 1; ; attempt++) {
      if (request.signal?.aborted) throw new OssCancelledError(`${request.operation} was cancelled`, { cause: request.signal.reason });
      try {
        const response = await this.#observed(request, attempt);
        this.#outage.succeeded();
        return response;
      } catch (caught) {
        const error = toOssError(caught, request.operation, request.signal);
        // Expired STS token: fetch fresh credentials once (shared by all requests) and try again.
        if (error instanceof OssServiceError && AUTH_TOKEN_CODES.has(error.code) && !refreshedCredentials) {
          refreshedCredentials = true;
          this.#options.credentials.invalidate();
          attempt--;
          continue;
        }
        // A skewed clock was corrected from the server's Date: one more attempt, not an outage.
        if (error instanceof OssServiceError && error.code === 'RequestTimeTooSkewed' && !correctedClock) {
          correctedClock = true;
          attempt--;
          continue;
        }
        if (!isRetryable(error) || request.signal?.aborted) throw error;
        const now = performance.now();
        this.#outage.failed(now);
        firstFailure ??= now;
        const failingForMs = this.#outage.elapsed(now, firstFailure);
        const remainingMs = retry.retryForMs - failingForMs;
        if (attempt >= retry.maxAttempts || remainingMs <= 0) throw gaveUp(error, attempt, failingForMs, retry);
        const delayMs = retryDelay(attempt, error, retry, remainingMs);
        request.onRetry?.(attempt, error, { delayMs, reason: retryReason(error), failingForMs, retryForMs: retry.retryForMs });
        await sleep(delayMs, request.signal, request.operation);
      }
    }
  }

  /** One attempt, timed for the observer when there is one (and only then). */
  async #observed(request: OssRequest, attempt: number): Promise<OssResponse> {
    const observer = this.#options.observer;
    if (!observer) return this.#attempt(request, undefined);
    const partNumber = request.query?.['partNumber'];
    const timer = new AttemptTimer(request.operation, partNumber === undefined ? undefined : Number(partNumber), attempt, request.body === undefined ? 0 : bodyLength(request.body));
    try {
      const response = await this.#attempt(request, timer);
      report(observer, timer.end());
      return response;
    } catch (error) {
      report(observer, timer.end(error));
      throw error;
    }
  }

  async #attempt(request: OssRequest, timer: AttemptTimer | undefined): Promise<OssResponse> {
    const { endpoint, timeouts } = this.#options;
    const credentials = await this.#options.credentials.get();
    const query = request.query ?? {};
    const headers: Record<string, string> = { 'user-agent': this.#options.userAgent };
    // Sent and signed as UTF-8 bytes: undici refuses text beyond latin1 in a header.
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = wireString(value);
    if (request.body !== undefined) headers['content-length'] = String(bodyLength(request.body));

    const signable: SignableRequest = { method: request.method, bucket: request.bucket, key: request.key, query, headers };
    signRequest(signable, credentials, this.clock.now(), this.#options.signer);

    const target = requestTarget(endpoint, request.bucket, request.key);
    const onBytes = timer ? timer.countingBytes(request.onBodyProgress) : request.onBodyProgress;
    const body = request.body === undefined ? undefined : openBody(request.body, onBytes);
    let response: Dispatcher.ResponseData;
    try {
      response = await undiciRequest(this.#pool(target.origin), {
        path: target.path + encodeQuery(query),
        method: request.method,
        headers,
        // undici takes async iterables too (written chunk by chunk); its types do not say so.
        body: (body ?? null) as Dispatcher.RequestOptions['body'],
        signal: request.signal,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      });
    } catch (error) {
      if (body && typeof body === 'object' && 'destroy' in body) body.destroy();
      throw plainHttpServer(error, target.origin) ?? error;
    }

    const responseHeaders = flattenHeaders(response.headers);
    const requestId = responseHeaders['x-oss-request-id'];
    timer?.responded(response.statusCode, requestId);
    if (response.statusCode >= 300) {
      const text = await readText(response.body, MAX_ERROR_BODY_BYTES, request.operation, true);
      const error = serviceErrorFrom(response.statusCode, response.headers, text, request.operation);
      if (error.code === 'RequestTimeTooSkewed') this.clock.syncTo(headerString(response.headers, 'date'));
      throw error;
    }
    if (request.responseType === 'stream') {
      return { status: response.statusCode, headers: responseHeaders, requestId, text: '', body: response.body };
    }
    if (request.responseType === 'none') {
      await response.body.dump();
      return { status: response.statusCode, headers: responseHeaders, requestId, text: '', body: undefined };
    }
    const text = await readText(response.body, request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, request.operation, false);
    if (request.errorIn2xx && ERROR_DOCUMENT.test(text)) throw serviceErrorFrom(response.statusCode, response.headers, text, request.operation);
    return { status: response.statusCode, headers: responseHeaders, requestId, text, body: undefined };
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      if (this.#closed) throw new OssCancelledError('the client was closed');
      pool = new Pool(origin, {
        connections: this.#options.connections,
        connect: connectorFor(this.#options.timeouts.connectMs),
        keepAliveTimeout: 30_000,
        headersTimeout: this.#options.timeouts.headersMs,
        bodyTimeout: this.#options.timeouts.bodyMs,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

/** The last error of a request that ran out of retries, saying so (it is still the typed error it was). */
function gaveUp(error: OssError, attempts: number, failingForMs: number, retry: Required<RetryOptions>): OssError {
  if (attempts === 1 && retry.retryForMs === 0) error.message += ' (not retried: the retry budget is 0)';
  else if (attempts >= retry.maxAttempts) error.message += ` (gave up after ${attempts} attempts, the attempt limit)`;
  else error.message += ` (gave up after ${attempts} attempts in ${spokenDuration(failingForMs)} without a successful request: the retry budget is ${spokenDuration(retry.retryForMs)})`;
  return error;
}

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Reads a response body as UTF-8, refusing to buffer more than `limit` bytes. */
async function readText(body: Dispatcher.ResponseData['body'], limit: number, operation: string, lenient: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      if (lenient) break; // an error body is still an error; keep what fits
      throw new OssXmlError(`${operation}: the response body exceeds ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number, signal: AbortSignal | undefined, operation: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new OssCancelledError(`${operation} was cancelled`, { cause: signal.reason }));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new OssCancelledError(`${operation} was cancelled`, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
