// The progress line while an upload rides out an outage: which failure it waits on, when the
// next retry starts (counting down), when it will give up, and how much is safe on the server.
import { spokenDuration } from '../transport/retry.js';
import { describeRetryCause, keptPercent, type UploadRetryEvent } from '../upload/retry-report.js';
import type { ProgressBar } from './progress-bar.js';

type RetryEvent = Extract<UploadRetryEvent, { type: 'retry' }>;

/** 'network unreachable (ECONNREFUSED): retry 3 in 8 s, gives up in 9 min 40 s; 41% kept'. */
export function renderRetryStatus(event: RetryEvent, msToRetry: number, msWaited: number): string {
  const next = msToRetry > 0 ? `retry ${event.attempt} in ${Math.ceil(msToRetry / 1000)} s` : `retry ${event.attempt} running`;
  const left = event.retryForMs - event.failingForMs - msWaited;
  const givesUp = Number.isFinite(left) ? `, gives up in ${spokenDuration(Math.max(0, left))}` : '';
  return `${describeRetryCause(event.error)}: ${next}${givesUp}; ${keptPercent(event.confirmedBytes, event.totalBytes)}% kept`;
}

export class RetryStatus {
  readonly #bar: ProgressBar | undefined;
  readonly #now: () => number;
  #latest: { event: RetryEvent; at: number } | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Retries seen over the whole upload. */
  retries = 0;

  constructor(bar: ProgressBar | undefined, now: () => number = Date.now) {
    this.#bar = bar;
    this.#now = now;
  }

  onEvent(event: UploadRetryEvent): void {
    if (event.type === 'recovered') return this.stop();
    this.retries++;
    this.#latest = { event, at: this.#now() };
    this.#render();
    // Once a second, so the countdown moves; never keeps the process alive.
    this.#timer ??= setInterval(() => this.#render(), 1000).unref();
  }

  /** The outage is over (or the upload ended): the bar shows its stats again. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#latest = undefined;
    this.#bar?.status(undefined);
  }

  #render(): void {
    if (!this.#latest) return;
    const { event, at } = this.#latest;
    const waited = this.#now() - at;
    this.#bar?.status(renderRetryStatus(event, event.delayMs - waited, waited));
  }
}
