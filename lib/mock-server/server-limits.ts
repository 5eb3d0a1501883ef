// How long the mock waits on a quiet client, and how many connections it keeps: the defaults,
// and their checks. OSS does not publish its figures; these are seconds (Node's own are minutes,
// or forever for a body), long enough for SDK connection pools and for a loaded machine.
import { readFileSync } from 'node:fs';

/** A kept-alive connection with no request is closed after this long: longer than ali-oss keeps a pooled socket (15 s), so it never reuses one being closed. */
export const DEFAULT_IDLE_TIMEOUT_MS = 20_000;
/** A request's headers (a new connection's first request included) must all arrive within this. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** A request body that sends no byte for this long is answered RequestTimeout; so is a response the client stops reading, which is then cut. */
export const DEFAULT_BODY_TIMEOUT_MS = 20_000;
/** Where the open-file limit cannot be read. */
const FALLBACK_MAX_CONNECTIONS = 1000;

export interface ServerLimits {
  idleTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxConnections: number;
}

export interface ServerLimitOptions {
  idleTimeoutMs?: number | undefined;
  headersTimeoutMs?: number | undefined;
  bodyTimeoutMs?: number | undefined;
  maxConnections?: number | undefined;
}

/** The limits asked for, with defaults; throws on a value that is not a whole number (timeouts >= 0, where 0 is none; connections >= 1). */
export function serverLimits(options: ServerLimitOptions): ServerLimits {
  const timeout = (value: number | undefined, name: string, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!(Number.isSafeInteger(value) && value >= 0)) throw new Error(`startMockServer: ${name} must be a whole number of milliseconds >= 0 (0: no timeout)`);
    return value;
  };
  const maxConnections = options.maxConnections ?? defaultMaxConnections();
  if (!(maxConnections === Infinity || (Number.isSafeInteger(maxConnections) && maxConnections >= 1))) {
    throw new Error('startMockServer: maxConnections must be a whole number >= 1');
  }
  return {
    idleTimeoutMs: timeout(options.idleTimeoutMs, 'idleTimeoutMs', DEFAULT_IDLE_TIMEOUT_MS),
    headersTimeoutMs: timeout(options.headersTimeoutMs, 'headersTimeoutMs', DEFAULT_HEADERS_TIMEOUT_MS),
    bodyTimeoutMs: timeout(options.bodyTimeoutMs, 'bodyTimeoutMs', DEFAULT_BODY_TIMEOUT_MS),
    maxConnections,
  };
}

/**
 * Half the process's open-file limit: every connection is a descriptor, and a request in
 * progress may hold another one or two (the part or object being written or read), so the
 * other half stays for those and for Node itself.
 */
export function defaultMaxConnections(limitsFile = '/proc/self/limits'): number {
  const limit = openFileLimit(limitsFile);
  if (limit === undefined) return FALLBACK_MAX_CONNECTIONS;
  return limit === Infinity ? Infinity : Math.max(1, Math.floor(limit / 2));
}

/** The soft RLIMIT_NOFILE (Linux: /proc/self/limits); undefined where it cannot be read. */
function openFileLimit(limitsFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(limitsFile, 'utf8');
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  if (soft === 'unlimited') return Infinity;
  return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : undefined;
}
