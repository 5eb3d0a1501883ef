// Which failures are worth another attempt, how long to wait before it, and when to stop: the
// one retry policy of the transport (its loop is HttpTransport.send).
import { OssNetworkError, OssServiceError } from '../errors.js';

/** How failed requests are retried (OssClientOptions.retry); omitted fields keep their defaults. */
export interface RetryOptions {
  /**
   * Total attempts of one request, the first included; default unlimited: `retryForMs` decides.
   * A count cap on top of the time budget (what ossutil's --retry-times is).
   */
  maxAttempts?: number | undefined;
  /** First backoff ceiling; it doubles per attempt up to `maxDelayMs` (full jitter: a random wait below it). */
  baseDelayMs?: number | undefined;
  /** The cap on one backoff (default 10000). */
  maxDelayMs?: number | undefined;
  /**
   * How long to ride out an outage: a request stops retrying once it has been failing this long,
   * or once this client has gone this long without any request succeeding (every success
   * restarts that clock, so parallel parts failing in one outage share one budget, and blips
   * over a long upload never add up). 0 = never retry. Default 10 minutes.
   */
  retryForMs?: number | undefined;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: Infinity, baseDelayMs: 200, maxDelayMs: 10_000, retryForMs: 600_000 };

const THROTTLE_CODES = new Set(['SlowDown', 'RequestLimitExceeded', 'ServerBusy', 'TooManyRequests', 'Throttling']);
/** Server-side codes: retried even when they come with a 2xx status (an <Error> body in a 200 answer). */
const SERVER_SIDE_CODES = new Set(['InternalError', 'ServiceUnavailable', 'RequestTimeout', ...THROTTLE_CODES]);

/** Network errors, 5xx, 408, 429/503 throttling and server-side codes are retried; other 4xx never. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof OssNetworkError) return true;
  if (!(error instanceof OssServiceError)) return false;
  if (error.status >= 500 || error.status === 408 || error.status === 429) return true;
  return SERVER_SIDE_CODES.has(error.code);
}

/** Why a request waits, for progress displays. */
export type RetryReason = 'network' | 'stalled' | 'throttled' | 'server';

export function retryReason(error: Error): RetryReason {
  if (error instanceof OssNetworkError) return error.stalled ? 'stalled' : 'network';
  if (error instanceof OssServiceError && (error.status === 429 || THROTTLE_CODES.has(error.code))) return 'throttled';
  return 'server';
}

/** What a request is waiting for before its next attempt. */
export interface RetryWait {
  /** Until the next attempt starts. */
  delayMs: number;
  reason: RetryReason;
  /** How long this request, or the whole client, has been failing (the budget's clock). */
  failingForMs: number;
  /** The budget: it gives up once `failingForMs` reaches this. */
  retryForMs: number;
}

/** Full-jitter exponential backoff: a random delay in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, options: Required<RetryOptions>, random: () => number = Math.random): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * The wait before the next attempt: the backoff, or longer when the server said how long
 * (x-oss-qos-delay-time, Retry-After); never past the end of the budget (`remainingMs`).
 */
export function retryDelay(attempt: number, error: Error, options: Required<RetryOptions>, remainingMs: number, random?: () => number): number {
  const asked = error instanceof OssServiceError ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(0, Math.min(remainingMs, Math.max(backoffDelay(attempt, options, random), asked)));
}

/**
 * The client's outage clock: when the current run of failures began, i.e. the first failure since
 * the last success of any request. Shared by all requests of one client.
 */
export class OutageClock {
  #since: number | undefined;

  /** A request failed at `now`: the outage starts unless one is already running. */
  failed(now: number): void {
    this.#since ??= now;
  }

  /** Any request succeeded: the outage (if any) is over. */
  succeeded(): void {
    this.#since = undefined;
  }

  /**
   * How long a request that has been failing since `firstFailure` has been waiting for the
   * service: since its own first failure or the outage's start, whichever is earlier.
   */
  elapsed(now: number, firstFailure: number): number {
    return now - Math.min(firstFailure, this.#since ?? firstFailure);
  }
}

/**
 * The server's own retry hint in milliseconds: x-oss-qos-delay-time (ms, sent with OSS
 * throttling) or Retry-After (seconds or an HTTP date); undefined without either.
 */
export function retryAfterFromHeaders(get: (name: string) => string | undefined, now = Date.now()): number | undefined {
  const qos = Number(get('x-oss-qos-delay-time'));
  if (Number.isFinite(qos) && qos > 0) return qos;
  const after = get('retry-after')?.trim();
  if (!after) return undefined;
  if (/^\d+$/.test(after)) return Number(after) * 1000;
  const at = Date.parse(after);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** 400 → '0.4 s', 8000 → '8 s', 600000 → '10 min', 125000 → '2 min 5 s': a wait as a message says it. */
export function spokenDuration(ms: number): string {
  if (ms === Infinity) return 'ever';
  if (ms < 9950) return `${Number((ms / 1000).toFixed(1))} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const rest = seconds % 60;
  return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ''}`;
}
