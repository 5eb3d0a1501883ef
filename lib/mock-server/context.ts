// What every handler gets: the server's shared state and the parsed request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerClock } from './clock.js';
import type { ConnectionLimit } from './connection-limit.js';
import type { FaultRules } from './faults.js';
import type { RequestBody } from './request-body.js';
import type { ServerLimits } from './server-limits.js';
import type { MockStatsCounter } from './stats.js';
import type { MockStore } from './store.js';
import type { BandwidthThrottle } from './throttle.js';
import type { FaultAction, MockCredential, OperationName } from './types.js';

export interface ServerContext {
  store: MockStore;
  clock: ServerClock;
  stats: MockStatsCounter;
  faults: FaultRules;
  throttle: BandwidthThrottle | undefined;
  /** By access key ID. */
  credentials: Map<string, MockCredential>;
  region: string | undefined;
  discard: boolean;
  /** Largest PutObject / UploadPart body. */
  maxBodyBytes: number;
  latencyMs: number;
  virtualHostSuffix: string | undefined;
  log: ((line: string) => void) | undefined;
  /** How long RestoreObject takes before an archived object can be read. */
  restoreDelayMs: number;
  /** Aborted when close() begins: waits (stalls, latency, callbacks) end early. */
  closing: AbortSignal;
  /** How long a quiet client is waited for, and how many connections are kept. */
  limits: ServerLimits;
  connections: ConnectionLimit;
}

export interface RequestContext {
  server: ServerContext;
  req: IncomingMessage;
  res: ServerResponse;
  /** 24 upper-case hex characters, echoed in x-oss-request-id and error bodies. */
  requestId: string;
  method: string;
  /** The Host the client addressed, for HostId and Location. */
  host: string;
  /** The bucket came from the Host header (<bucket>.<virtualHostSuffix>), not the path. */
  virtualHosted: boolean;
  bucket: string | undefined;
  /** Decoded object key; undefined for service- and bucket-level requests. */
  key: string | undefined;
  /** Decoded query parameters; a bare flag has the value ''. */
  query: Record<string, string>;
  /** Lower-case names, one string value each. */
  headers: Record<string, string>;
  body: RequestBody;
  api: OperationName | undefined;
  /** The fault rule that fired for this request, if any. */
  fault: FaultAction | undefined;
  /** Aborted when the connection closes before the response is finished, or the server closes. */
  signal: AbortSignal;
}
