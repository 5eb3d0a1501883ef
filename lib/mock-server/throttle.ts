// WAN emulation: a token bucket shared by every connection caps the rate at which request
// bodies are read, and a fixed latency is added before each response.
import { setTimeout as sleep } from 'node:timers/promises';

export class BandwidthThrottle {
  readonly #bytesPerMs: number;
  /** Bytes the bucket may hold: ~50 ms of traffic, so short bursts are smooth but the average holds. */
  readonly #burstBytes: number;
  #tokens: number;
  #lastRefill = performance.now();

  constructor(bytesPerSec: number) {
    this.#bytesPerMs = bytesPerSec / 1000;
    this.#burstBytes = Math.max(16 * 1024, bytesPerSec / 20);
    this.#tokens = this.#burstBytes;
  }

  /** Resolves once `bytes` may be read. Tokens are reserved at once, so concurrent readers queue fairly. */
  async consume(bytes: number): Promise<void> {
    const now = performance.now();
    this.#tokens = Math.min(this.#burstBytes, this.#tokens + (now - this.#lastRefill) * this.#bytesPerMs);
    this.#lastRefill = now;
    this.#tokens -= bytes;
    if (this.#tokens < 0) await sleep(-this.#tokens / this.#bytesPerMs);
  }
}

/**
 * Waits `ms`; false if `signal` aborted first (the timer is then cleared). The timer does not
 * keep the process alive on its own.
 */
export async function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal, ref: false });
    return true;
  } catch (error) {
    if (signal.aborted) return false;
    throw error;
  }
}

/** The emulated latency; ends early when `signal` aborts (the caller then finds the response gone). */
export async function addLatency(ms: number | undefined, signal: AbortSignal): Promise<void> {
  if (ms && ms > 0) await abortableSleep(ms, signal);
}
