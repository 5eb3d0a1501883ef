// Public contract of the mock OSS server: options, the running server, faults and stats.
import type { BucketOperationName } from './bucket-routing.js';
import type { FeatureOperationName } from './feature-routing.js';

export type ApiName =
  | 'InitiateMultipartUpload'
  | 'UploadPart'
  | 'ListParts'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListMultipartUploads'
  | 'PutObject'
  | 'HeadObject'
  | 'GetObject';

/** Every operation the mock routes: the contract's ApiName plus the few extras ali-oss and tools need. */
export type OperationName = ApiName | 'DeleteObject' | 'PutBucket' | 'ListObjects' | FeatureOperationName | BucketOperationName;

export interface MockCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, every request signed with this key must carry this x-oss-security-token (STS). */
  securityToken?: string | undefined;
}

export interface MockServerOptions {
  /** Default '127.0.0.1'. */
  host?: string | undefined;
  /** Default 0 (a free port). */
  port?: number | undefined;
  /** Default: a fresh temp dir, removed on close(). A given dir is kept and reloaded on the next start. */
  dataDir?: string | undefined;
  /** Buckets that exist from the start; default ['test-bucket']. */
  buckets?: string[] | undefined;
  /** Default [{accessKeyId: 'mock-access-key-id', accessKeySecret: 'mock-access-key-secret'}]. */
  credentials?: MockCredential[] | undefined;
  /** If set, the V4 scope region must equal it; default: accept the scope's region. */
  region?: string | undefined;
  /** Bench mode: verify MD5/CRC, count bytes, store no object or part data (GET answers NoSuchKey). */
  discard?: boolean | undefined;
  /** Largest PutObject / UploadPart body; default 5 GiB, OSS's limit (lower it to test EntityTooLarge cheaply). */
  maxBodyBytes?: number | undefined;
  /** Added before each response's headers (WAN emulation). */
  latencyMs?: number | undefined;
  /** Cap on the request-body read rate, shared by all connections. */
  bandwidthBytesPerSec?: number | undefined;
  /** E.g. 'oss-mock.localhost': requests to <bucket>.<suffix> use virtual-hosted style. */
  virtualHostSuffix?: string | undefined;
  /** How long RestoreObject takes before an Archive/ColdArchive/DeepColdArchive object can be read; default 1000. */
  restoreDelayMs?: number | undefined;
  /**
   * A kept-alive connection with no request in progress is closed after this many ms (Node
   * closes it one second after the `Keep-Alive: timeout` it announces); default 20000. 0: never.
   */
  idleTimeoutMs?: number | undefined;
  /**
   * A request's headers (a new connection's first request included) must have arrived within
   * this many ms, or the connection is dropped unanswered; default 10000. 0: no limit.
   */
  headersTimeoutMs?: number | undefined;
  /**
   * A request body that sends no byte for this many ms is answered 400 RequestTimeout and the
   * connection closed; a response the client stops reading for as long is cut. Time the server
   * itself takes (a `stall` fault, latencyMs, a bandwidth cap, a callback) never counts. Default
   * 20000; 0: no limit.
   */
  bodyTimeoutMs?: number | undefined;
  /**
   * Most connections open at once; at the limit, the connection idle the longest is closed to
   * admit a new one (a new one is refused only when every connection is handling a request).
   * Default: half the process's open-file limit (1000 where it cannot be read).
   */
  maxConnections?: number | undefined;
  /** Request log lines (never secrets). */
  log?: ((line: string) => void) | undefined;
}

export type FaultAction =
  | { type: 'drop'; afterBytes: number }
  | { type: 'error'; status: number; code: string }
  /** Wait `ms` before handling; if the client disconnects or the server closes first, the request is dropped unhandled. */
  | { type: 'stall'; ms: number }
  | { type: 'corrupt' }
  | { type: 'forget' }
  /** Handle the request in full (store the part, complete the upload), then cut the connection instead of answering. */
  | { type: 'lose-response' };

export interface FaultRule {
  api?: ApiName | undefined;
  key?: string | undefined;
  partNumber?: number | undefined;
  /** Let this many matching requests pass first (default 0). */
  skip?: number | undefined;
  /** How many matching requests it hits (default 1; Infinity allowed). */
  times?: number | undefined;
  action: FaultAction;
}

export interface FaultInjector {
  add(rule: FaultRule): void;
  clear(): void;
  /** Rules that still have hits left. */
  pending(): number;
}

export interface MockStats {
  /** Requests per ApiName (and the extra operations). */
  requests: Record<string, number>;
  /** Request-body bytes read, all requests. */
  bytesReceived: number;
  /** `${uploadId}:${partNumber}` → body bytes received (all attempts). */
  partBytes: Map<string, number>;
  /** Same key → number of UploadPart requests. */
  partUploads: Map<string, number>;
  /** Most requests of each ApiName being handled at once (how parallel a client really was). */
  peakInFlight: Record<string, number>;
  reset(): void;
}

export interface MockUploadSummary {
  key: string;
  uploadId: string;
  parts: number[];
}

export interface MockServer {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  host: string;
  port: number;
  dataDir: string;
  faults: FaultInjector;
  stats: MockStats;
  /** Server clock = now + ms (Date headers, skew checks, presign expiry). */
  setClockSkew(ms: number): void;
  createBucket(name: string): Promise<void>;
  /** Test helper: the whole object. */
  readObject(bucket: string, key: string): Promise<Buffer>;
  /** Where the object's data lives on disk. */
  objectPath(bucket: string, key: string): string;
  listUploads(bucket: string): MockUploadSummary[];
  /** Cuts every connection (pending stalls end unhandled), waits for requests in progress, removes an owned data dir. */
  close(): Promise<void>;
}
