// The local mock OSS server: `startMockServer()` in-process, `oss-resumable serve` as a process.
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerClientError } from './client-error.js';
import { ServerClock } from './clock.js';
import { ConnectionLimit } from './connection-limit.js';
import type { ServerContext } from './context.js';
import { FaultRules } from './faults.js';
import { MAX_BODY_BYTES } from './handlers/body-limits.js';
import { createRequestListener } from './http-server.js';
import { checkBucketName, keyFileStem } from './keys.js';
import { MockOssError } from './mock-error.js';
import { serverLimits } from './server-limits.js';
import { MockStatsCounter } from './stats.js';
import { MockStore } from './store.js';
import { BandwidthThrottle } from './throttle.js';
import type { MockCredential, MockServer, MockServerOptions } from './types.js';

export type {
  ApiName,
  FaultAction,
  FaultInjector,
  FaultRule,
  MockCredential,
  MockServer,
  MockServerOptions,
  MockStats,
  MockUploadSummary,
  OperationName,
} from './types.js';
export type { FeatureOperationName } from './feature-routing.js';
export type { BucketOperationName } from './bucket-routing.js';
export { parseFaultSpec } from './faults.js';

/** The credential a mock server accepts when given none. */
export const DEFAULT_MOCK_CREDENTIALS: MockCredential = { accessKeyId: 'mock-access-key-id', accessKeySecret: 'mock-access-key-secret' };
/** The bucket a mock server has when given none. */
export const DEFAULT_MOCK_BUCKET = 'test-bucket';
/** Long enough that a client sees the restore in progress, short enough that nobody waits for it. */
export const DEFAULT_RESTORE_DELAY_MS = 1000;

/**
 * Starts the mock OSS server on loopback (a free port unless `port` is given) with the given
 * buckets and credentials (default: DEFAULT_MOCK_BUCKET, DEFAULT_MOCK_CREDENTIALS) and data in a
 * temp dir unless `dataDir` is given. Resolves once it listens; `close()` stops it and removes
 * the temp dir.
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const credentials = options.credentials ?? [DEFAULT_MOCK_CREDENTIALS];
  if (credentials.length === 0) throw new Error('startMockServer: give at least one credential');
  const buckets = options.buckets ?? [DEFAULT_MOCK_BUCKET];
  for (const bucket of buckets) assertBucketName(bucket);
  if (options.maxBodyBytes !== undefined && !(Number.isSafeInteger(options.maxBodyBytes) && options.maxBodyBytes >= 0)) {
    throw new Error('startMockServer: maxBodyBytes must be a whole number of bytes >= 0');
  }
  const limits = serverLimits(options);

  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'oss-mock-')));
  const store = await MockStore.open(dataDir);
  const clock = new ServerClock();
  const closing = new AbortController();
  for (const bucket of buckets) await store.createBucket(bucket, clock.nowMs());

  const context: ServerContext = {
    store,
    clock,
    stats: new MockStatsCounter(),
    faults: new FaultRules(),
    throttle: options.bandwidthBytesPerSec ? new BandwidthThrottle(options.bandwidthBytesPerSec) : undefined,
    credentials: new Map(credentials.map((c) => [c.accessKeyId, { ...c }])),
    region: options.region,
    discard: options.discard ?? false,
    maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
    latencyMs: options.latencyMs ?? 0,
    virtualHostSuffix: options.virtualHostSuffix,
    log: options.log,
    restoreDelayMs: options.restoreDelayMs ?? DEFAULT_RESTORE_DELAY_MS,
    closing: closing.signal,
    limits,
    connections: new ConnectionLimit(limits.maxConnections, options.log),
  };

  // No overall request timeout: a throttled multi-GiB part may legitimately take minutes; a
  // body that stops coming is the body-stall timeout's (RequestBody). Node checks the headers
  // timeout every connectionsCheckingInterval (30 s by default, which made it 60–90 s), so
  // check often enough for the timeout to be kept to within a quarter of it.
  // insecureHTTPParser: like OSS's front end, accept Content-Length together with chunked
  // encoding, the chunks deciding the length (RFC 9112 §6.3; ali-oss sends both for a stream
  // with a known size); Node's strict parser refuses such a request outright.
  const requests = createRequestListener(context);
  const server = createServer(
    {
      requestTimeout: 0,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: limits.headersTimeoutMs > 0 ? Math.min(1000, Math.max(10, Math.floor(limits.headersTimeoutMs / 4))) : 1000,
      keepAliveTimeout: limits.idleTimeoutMs,
      insecureHTTPParser: true,
    },
    requests.listener,
  );
  server.on('connection', (socket: Socket) => context.connections.admit(socket));
  server.on('clientError', (error, socket) => answerClientError(context, error, socket));
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    dataDir,
    faults: context.faults,
    stats: context.stats,
    setClockSkew: (ms) => clock.setSkew(ms),
    createBucket: async (name) => {
      assertBucketName(name);
      await store.createBucket(name, clock.nowMs());
    },
    readObject: async (bucket, key) => {
      const record = store.getObject(bucket, key);
      if (!record) throw new Error(`mock: no object ${JSON.stringify(key)} in bucket ${bucket}`);
      return readFile(store.objectDataPath(bucket, record));
    },
    objectPath: (bucket, key) => {
      const record = store.getObject(bucket, key);
      return record ? store.objectDataPath(bucket, record) : join(dataDir, 'buckets', bucket, 'objects', `${keyFileStem(key)}.data`);
    },
    listUploads: (bucket) =>
      store
        .uploads(bucket)
        .sort((a, b) => a.initiated - b.initiated)
        .map((u) => ({ key: u.key, uploadId: u.uploadId, parts: [...u.parts.keys()].sort((a, b) => a - b) })),
    close: () =>
      (closed ??= (async () => {
        // Stalls, emulated latency and callbacks end now; then every connection is cut, and
        // the data dir is only removed once no request is being handled any more.
        closing.abort(new Error('the mock server is closing'));
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await requests.settled();
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      })()),
  };
}

function assertBucketName(name: string): void {
  try {
    checkBucketName(name);
  } catch (error) {
    if (error instanceof MockOssError) throw new Error(`mock: ${JSON.stringify(name)} is not a valid bucket name (3-63 of a-z 0-9 -, starting and ending with a letter or digit)`);
    throw error;
  }
}
