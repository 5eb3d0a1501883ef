// One measured upload: a fresh client (as a fresh `upload` process would have), the real engine
// from a generated source or a file, and what it cost: wall time, CPU, peak RSS, and every
// request's timing from the transport's observer.
import { OssClient, type OssClientOptions } from '../client.js';
import type { ByteSource } from '../hash/read-range.js';
import type { RequestTiming } from '../transport/observer.js';
import { resumableUpload, resumableUploadFromSource, type ResumableUploadHandle } from '../upload/index.js';
import { connectionsFor } from '../cli/config.js';
import type { BenchConfiguration } from './plan.js';

/** How often the resident set is sampled during an upload. */
const RSS_SAMPLE_MS = 20;

/**
 * One attempt of one request, as the CSV and the statistics use it (times: performance.now() ms):
 * the transport's timing, with the error as one word.
 */
export interface RequestRecord extends Omit<RequestTiming, 'error' | 'requestId'> {
  /** The error's code (OSS code or errno), else its name; undefined on success. */
  error: string | undefined;
}

export interface MeasuredUpload {
  bytes: number;
  /** From the first request to the checked object: what `upload` takes. */
  seconds: number;
  /** Process CPU (user + system) over the upload. */
  cpuSeconds: number;
  /** Largest resident set sampled during the upload. */
  peakRssBytes: number;
  requests: RequestRecord[];
  /** Why the upload failed (it was aborted); undefined on success. */
  error: Error | undefined;
}

export interface MeasureOptions {
  /** The client settings of every run; the pool size and observer are set here. */
  client: Omit<OssClientOptions, 'connections' | 'observer'>;
  bucket: string;
  key: string;
  configuration: BenchConfiguration;
  data: { source: ByteSource } | { file: string };
  /** Aborting it cancels the upload (the engine aborts the multipart upload). */
  signal: AbortSignal;
  onProgress?: ((sentBytes: number, totalBytes: number) => void) | undefined;
}

export async function measureUpload(options: MeasureOptions): Promise<MeasuredUpload> {
  const { configuration } = options;
  const requests: RequestRecord[] = [];
  const client = new OssClient({
    ...options.client,
    // As `upload` sizes its pool: every part in flight gets a connection.
    connections: connectionsFor(configuration.parallel),
    observer: (timing) => requests.push(recordOf(timing)),
  });
  let peakRssBytes = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  sampler.unref();
  const common = {
    key: options.key,
    bucket: options.bucket,
    partSize: configuration.partSize,
    parallel: configuration.parallel,
    forceMultipart: true,
    onProgress: options.onProgress,
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let handle: ResumableUploadHandle | undefined;
  let bytes = 0;
  let error: Error | undefined;
  const cancel = (): void => void handle?.cancel();
  try {
    if (options.signal.aborted) throw options.signal.reason;
    handle = 'source' in options.data ? resumableUploadFromSource(client, { ...common, source: options.data.source }) : resumableUpload(client, { ...common, file: options.data.file });
    options.signal.addEventListener('abort', cancel, { once: true });
    bytes = (await handle.done).size;
  } catch (caught) {
    error = caught instanceof Error ? caught : new Error(String(caught));
  } finally {
    options.signal.removeEventListener('abort', cancel);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  await client.close();
  return { bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssBytes, requests, error };
}

function recordOf(timing: RequestTiming): RequestRecord {
  const { api, partNumber, attempt, bytes, startMs, bodySentMs, responseMs, endMs, status, error } = timing;
  return { api, partNumber, attempt, bytes, startMs, bodySentMs, responseMs, endMs, status, error: error === undefined ? undefined : errorCode(error) };
}

/** 'SlowDown', 'ECONNRESET', 'OssNetworkError': what went wrong, in one word for the CSV. */
export function errorCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code ? code : error.name;
}
