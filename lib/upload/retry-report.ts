// What an upload tells its caller while requests wait to be retried, so a display never looks
// frozen: a typed event per retry and when the server answers again, plus one note when an
// outage starts and one when it ends (not one per retry: four parts fail at once in an outage).
import { OssNetworkError, OssServiceError } from '../errors.js';
import { retryReason, spokenDuration, type RetryWait } from '../transport/retry.js';
import type { ProgressTracker } from './progress.js';

export type UploadRetryEvent =
  | ({
      type: 'retry';
      /** The API being retried, e.g. 'UploadPart'. */
      operation: string;
      /** For UploadPart: which part. */
      partNumber: number | undefined;
      /** The attempt that failed (1 = the first), so this is retry number `attempt`. */
      attempt: number;
      error: Error;
      /** Bytes the server holds for this upload (kept whatever happens next), and the file's size. */
      confirmedBytes: number;
      totalBytes: number;
    } & RetryWait)
  | {
      type: 'recovered';
      /** From the first failure of the outage to the first success after it. */
      outageMs: number;
      /** Retries during that outage, over all requests of the upload. */
      retries: number;
    };

export class RetryReporter {
  readonly #onRetry: ((event: UploadRetryEvent) => void) | undefined;
  readonly #note: (message: string) => void;
  #progress: ProgressTracker | undefined;
  /** Retries over the whole upload. */
  total = 0;
  #outage: { since: number; retries: number } | undefined;

  constructor(onRetry: ((event: UploadRetryEvent) => void) | undefined, note: (message: string) => void) {
    this.#onRetry = onRetry;
    this.#note = note;
  }

  /** Where the confirmed bytes are counted, once the upload knows its parts. */
  track(progress: ProgressTracker): void {
    this.#progress = progress;
  }

  /** The `onRetry` of one request of this upload. */
  listener(operation: string, partNumber?: number): (attempt: number, error: Error, wait: RetryWait) => void {
    return (attempt, error, wait) => {
      this.total++;
      const confirmedBytes = this.#progress?.confirmedBytes ?? 0;
      const totalBytes = this.#progress?.totalBytes ?? 0;
      if (!this.#outage) {
        this.#outage = { since: performance.now(), retries: 0 };
        const kept = totalBytes > 0 ? `; ${keptPercent(confirmedBytes, totalBytes)}% of the upload is on the server and kept` : '';
        this.#note(`${describeRetryCause(error)} (${operation}${partNumber ? ` part ${partNumber}` : ''}): retrying for up to ${spokenDuration(wait.retryForMs)}${kept}`);
      }
      this.#outage.retries++;
      this.#onRetry?.({ type: 'retry', operation, partNumber, attempt, error, confirmedBytes, totalBytes, ...wait });
    };
  }

  /** A request of this upload succeeded: an outage, if one was running, is over. */
  recovered(): void {
    const outage = this.#outage;
    if (!outage) return;
    this.#outage = undefined;
    const outageMs = performance.now() - outage.since;
    this.#note(`The server answers again after ${spokenDuration(outageMs)} and ${outage.retries} ${outage.retries === 1 ? 'retry' : 'retries'}; continuing`);
    this.#onRetry?.({ type: 'recovered', outageMs, retries: outage.retries });
  }
}

/** Whole percent of the file the server holds, rounded down so "100%" only means done. */
export function keptPercent(confirmedBytes: number, totalBytes: number): number {
  return totalBytes > 0 ? Math.floor((confirmedBytes / totalBytes) * 100) : 0;
}

/** 'network unreachable (ECONNREFUSED)', 'the connection stalled', 'throttled (503 SlowDown)': why a request waits. */
export function describeRetryCause(error: Error): string {
  if (error instanceof OssNetworkError) {
    if (error.stalled) return 'the connection stalled';
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'string') return 'connection lost';
    return `${UNREACHABLE_CODES.has(code) ? 'network unreachable' : 'connection lost'} (${code})`;
  }
  if (error instanceof OssServiceError) return `${retryReason(error) === 'throttled' ? 'throttled' : 'server error'} (${error.status} ${error.code})`;
  return error.message;
}

/** Failures to open a connection at all, as opposed to losing one. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
