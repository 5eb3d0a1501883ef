// One measured upload: a fresh client (as a fresh `upload` process would have), the real engine
// from a generated source or a file, and what it cost: wall time, CPU, peak RSS, and every
// request's timing from the transport's observer. The bench runs it in a process of its own
// (upload-process.ts), so the CPU and RSS are this upload's alone.
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
  /** Largest resident set during the upload (in its own process: the process's high-water mark). */
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
  let recording = true;
  const client = new OssClient({
    ...options.client,
    // As `upload` sizes its pool: every part in flight gets a connection.
    connections: connectionsFor(configuration.parallel),
    observer: (timing) => {
      if (recording) requests.push(recordOf(timing));
    },
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
    // The bucket's default class could be IA or Archive, whose minimum storage durations would
    // bill every deleted bench object for 30 days or more.
    headers: { 'x-oss-storage-class': 'Standard' },
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
  // The kernel's high-water mark catches a peak between two samples (bench runs each upload in a fresh process).
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  recording = false; // what follows is cleanup, not the upload
  if (error) await abortUploadsOf(client, options.bucket, options.key);
  await client.close();
  return { bytes, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssBytes, requests, error };
}

/**
 * After a failed or cancelled upload: aborts every multipart upload of its key (the bench's own,
 * unique per run). The engine aborts the upload it knows; one cancelled while Initiate was on
 * its way exists on the server without the engine ever learning its id.
 */
async function abortUploadsOf(client: OssClient, bucket: string, key: string): Promise<void> {
  try {
    for (const upload of await client.listAllMultipartUploads({ bucket, prefix: key })) {
      if (upload.key === key) await client.abortMultipartUpload({ bucket, key, uploadId: upload.uploadId }).catch(() => {});
    }
  } catch {
    // The bench's final cleanup lists the whole run prefix again.
  }
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
