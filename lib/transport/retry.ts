// Which failures are worth another attempt, and how long to wait before it.
import { OssNetworkError, OssServiceError } from '../errors.js';

/** How failed requests are retried (OssClientOptions.retry); omitted fields keep their defaults. */
export interface RetryOptions {
  /** Total attempts, the first included (default 4). */
  maxAttempts?: number | undefined;
  /** The backoff before the first retry is random in [0, baseDelayMs], doubling after each (default 200). */
  baseDelayMs?: number | undefined;
  /** The cap on one backoff (default 10000). */
  maxDelayMs?: number | undefined;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 10_000 };

const THROTTLE_CODES = new Set(['SlowDown', 'RequestLimitExceeded', 'ServerBusy', 'TooManyRequests', 'Throttling']);

/** Network errors, 5xx, 408, 429/503 throttling and a skewed clock (after correction) are retried; other 4xx never. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof OssNetworkError) return true;
  if (!(error instanceof OssServiceError)) return false;
  if (error.status >= 500 || error.status === 408 || error.status === 429) return true;
  return error.code === 'RequestTimeTooSkewed' || THROTTLE_CODES.has(error.code);
}

/** Full-jitter exponential backoff: a random delay in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, options: Required<RetryOptions>, random: () => number = Math.random): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}
