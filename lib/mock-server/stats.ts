// Counters that tests and benchmarks read: requests per API, body bytes, per-part traffic.
import type { MockStats } from './types.js';

export class MockStatsCounter implements MockStats {
  requests: Record<string, number> = {};
  bytesReceived = 0;
  partBytes = new Map<string, number>();
  partUploads = new Map<string, number>();
  peakInFlight: Record<string, number> = {};
  readonly #inFlight: Record<string, number> = {};

  /** Counts a request and returns the function to call once it is answered or abandoned. */
  countRequest(api: string): () => void {
    this.requests[api] = (this.requests[api] ?? 0) + 1;
    const now = (this.#inFlight[api] = (this.#inFlight[api] ?? 0) + 1);
    this.peakInFlight[api] = Math.max(this.peakInFlight[api] ?? 0, now);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#inFlight[api]!--;
    };
  }

  countPartUpload(uploadId: string, partNumber: number): void {
    const id = `${uploadId}:${partNumber}`;
    this.partUploads.set(id, (this.partUploads.get(id) ?? 0) + 1);
  }

  countPartBytes(uploadId: string, partNumber: number, bytes: number): void {
    const id = `${uploadId}:${partNumber}`;
    this.partBytes.set(id, (this.partBytes.get(id) ?? 0) + bytes);
  }

  reset(): void {
    this.requests = {};
    this.peakInFlight = {};
    this.bytesReceived = 0;
    this.partBytes.clear();
    this.partUploads.clear();
  }
}
