// Shared by the upload engine tests: a real mock server on loopback, clients for it, seeded
// test files, and how many part bytes the server received more than once.
import type { Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OssClient, type OssClientOptions } from '../../lib/client.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../lib/mock-server/index.js';
import { seededBytes } from './seeded.js';

export const BUCKET = 'test-bucket';
export const CREDENTIALS = { accessKeyId: 'mock-access-key-id', accessKeySecret: 'mock-access-key-secret' };
/** The smallest legal part, to keep tests fast with many parts. */
export const PART = 102_400;

export { seededBytes, seededRandom } from './seeded.js';

export interface UploadFixture {
  server: MockServer;
  dir: string;
  /** `<dir>/checkpoints`, for uploads that should be resumable. */
  checkpointDir: string;
  client(options?: Partial<OssClientOptions>): OssClient;
  /** Writes a seeded file of `size` bytes under the fixture's temp dir. */
  file(name: string, size: number, seed?: number): { path: string; data: Buffer };
}

/** A mock server and a temp dir for the whole test, torn down at its end. */
export async function uploadFixture(t: Test, options: MockServerOptions = {}): Promise<UploadFixture> {
  const server = await startMockServer(options);
  const dir = mkdtempSync(join(tmpdir(), 'oss-upload-test-'));
  t.teardown(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // Every subtest starts with no faults pending and fresh counters.
  t.beforeEach(() => {
    server.faults.clear();
    server.stats.reset();
  });
  return {
    server,
    dir,
    checkpointDir: join(dir, 'checkpoints'),
    client(extra = {}) {
      const client = new OssClient({
        endpoint: server.url,
        bucket: BUCKET,
        credentials: CREDENTIALS,
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
        ...extra,
      });
      t.teardown(() => client.close());
      return client;
    },
    file(name, size, seed = size) {
      const path = join(dir, name);
      const data = seededBytes(size, seed);
      writeFileSync(path, data);
      return { path, data };
    },
  };
}

export { waitFor } from './wait.js';

/** Part bytes received so far, per part number (all uploads of the server together). */
export function partBytesByNumber(server: MockServer): Map<number, number> {
  const byNumber = new Map<number, number>();
  for (const [id, bytes] of server.stats.partBytes) {
    const partNumber = Number(id.slice(id.lastIndexOf(':') + 1));
    byNumber.set(partNumber, (byNumber.get(partNumber) ?? 0) + bytes);
  }
  return byNumber;
}

/** Bytes received again for parts that had already received bytes when `before` was taken. */
export function resentBytes(before: Map<number, number>, after: Map<number, number>): number {
  let resent = 0;
  for (const [partNumber, bytes] of before) resent += (after.get(partNumber) ?? 0) - bytes;
  return resent;
}
