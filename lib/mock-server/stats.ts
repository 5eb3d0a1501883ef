// Counters that tests and benchmarks read: requests per API, body bytes, per-part traffic.
import type { MockStats } from './types.js';

export class MockStatsCounter implements MockStats {
  requests: Record<string, number> = {};
  bytesReceived = 0;
  partBytes = new Map<string, number>();
  partUploads = new Map<string, number>();

  countRequest(api: string): void {
    this.requests[api] = (this.requests[api] ?? 0) + 1;
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
    this.bytesReceived = 0;
    this.partBytes.clear();
    this.partUploads.clear();
  }
}
