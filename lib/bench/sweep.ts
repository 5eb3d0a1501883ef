// The sweep: a warm-up, then every configuration's runs in rotation, each upload deleted as soon
// as it is measured (unless keep), and at the end, whatever happened, a cleanup that touches
// only this bench's own keys: objects it completed and has not deleted yet, and multipart
// uploads under its run prefix (the engine aborts its own on failure and cancel; this catches
// one whose abort did not get through).
import { OssClient, type OssClientOptions } from '../client.js';
import { OssServiceError } from '../errors.js';
import { sizeAsTyped } from '../cli/format.js';
import type { MeasuredUpload } from './measure-upload.js';
import { measureInProcess } from './upload-process.js';
import { automaticSize, label, rotationSchedule, warmupConfiguration, type BenchConfiguration, type ScheduledRun } from './plan.js';

/** How long cleanup requests retry: long enough for a blip, short enough that Ctrl-C stays prompt. */
const CLEANUP_RETRY_MS = 30_000;

export interface SweepOptions {
  client: Omit<OssClientOptions, 'connections' | 'observer' | 'bucket'>;
  bucket: string;
  /** '' or ending in '/': the bench's keys go under `<prefix>oss-resumable-bench-<runId>/`. */
  prefix: string;
  runId: string;
  configurations: BenchConfiguration[];
  runs: number;
  /** Bytes per upload; undefined: chosen from the warm-up (automaticSize). Ignored with `file`. */
  size: number | undefined;
  /** Upload this file instead of generated data (its size is the size). */
  file: { path: string; size: number } | undefined;
  /** Keep the completed objects. */
  keep: boolean;
  /** Aborted on Ctrl-C / SIGTERM: the upload in flight is cancelled (and aborted), nothing more starts. */
  signal: AbortSignal;
}

export interface SweepListener {
  note(text: string): void;
  /** The work is known (after the warm-up): the uploads and their bytes, and the warm-up's rate. */
  planned(plan: SweepPlan): void;
  runStarted(run: ScheduledRun, configuration: BenchConfiguration): void;
  /** Bytes of the planned uploads sent so far (finished runs plus the one in flight). */
  progress(doneBytes: number, totalBytes: number): void;
  runFinished(run: ScheduledRun, measured: MeasuredUpload): void;
}

export interface SweepPlan {
  size: number;
  /** True when `size` was chosen from the warm-up rather than given. */
  sizeChosen: boolean;
  uploads: number;
  totalBytes: number;
  warmupBytesPerSecond: number;
}

export interface Warmup {
  configuration: BenchConfiguration;
  measured: MeasuredUpload;
}

export interface SweepRun extends ScheduledRun {
  key: string;
  measured: MeasuredUpload;
}

export interface Cleanup {
  objectsDeleted: number;
  uploadsAborted: number;
  /** With keep: the objects left on purpose. */
  kept: string[];
  /** What could not be removed (key, or key and upload id), for the user to remove. */
  left: string[];
}

export interface SweepResult {
  runPrefix: string;
  size: number;
  warmup: Warmup | undefined;
  runs: SweepRun[];
  interrupted: boolean;
  /** The failure that ended the sweep early (a failed upload), if one did. */
  failure: Error | undefined;
  cleanup: Cleanup;
}

export async function runSweep(options: SweepOptions, listener: SweepListener): Promise<SweepResult> {
  const { bucket, signal } = options;
  const runPrefix = `${options.prefix}oss-resumable-bench-${options.runId}/`;
  const admin = new OssClient({ ...options.client, retry: { ...options.client.retry, retryForMs: Math.min(options.client.retry?.retryForMs ?? Infinity, CLEANUP_RETRY_MS) } });
  /** Completed objects not deleted yet. */
  const completed = new Set<string>();
  const cleanup: Cleanup = { objectsDeleted: 0, uploadsAborted: 0, kept: [], left: [] };
  const runs: SweepRun[] = [];
  let warmup: Warmup | undefined;
  let failure: Error | undefined;
  let size = options.file?.size ?? options.size ?? 0;

  const upload = async (key: string, configuration: BenchConfiguration, bytes: number, order: number, onSent?: (sent: number) => void): Promise<MeasuredUpload> => {
    const data = options.file ? { file: options.file.path } : { generated: { size: bytes, seed: seedOf(options.runId, order) } };
    const measured = await measureInProcess({ client: options.client, bucket, key, configuration, data }, signal, onSent && ((sent) => onSent(sent)));
    if (measured.error) return measured;
    completed.add(key);
    if (!options.keep) await deleteObject(key);
    return measured;
  };
  const deleteObject = async (key: string): Promise<void> => {
    try {
      await admin.deleteObject({ bucket, key });
      completed.delete(key);
      cleanup.objectsDeleted++;
    } catch (error) {
      listener.note(`could not delete ${key} yet (${(error as Error).message}); trying again at the end`);
    }
  };

  try {
    const warm = warmupConfiguration(options.configurations);
    listener.note(`warm-up: ${sizeAsTyped(warm.size)} with ${label(warm.configuration)} (not counted)…`);
    const measured = await upload(`${runPrefix}warmup`, warm.configuration, warm.size, 0);
    warmup = { configuration: warm.configuration, measured };
    if (measured.error) throw measured.error;
    const rate = measured.bytes / measured.seconds;
    if (!options.file && options.size === undefined) size = automaticSize(rate, options.configurations, options.runs);
    const schedule = rotationSchedule(options.configurations.length, options.runs);
    const totalBytes = size * schedule.length;
    listener.planned({ size, sizeChosen: !options.file && options.size === undefined, uploads: schedule.length, totalBytes, warmupBytesPerSecond: rate });
    let doneBytes = 0;
    for (const scheduled of schedule) {
      if (signal.aborted) break;
      const configuration = options.configurations[scheduled.configuration]!;
      const key = `${runPrefix}${sizeAsTyped(configuration.partSize)}x${configuration.parallel}-run${scheduled.run}`;
      listener.runStarted(scheduled, configuration);
      const result = await upload(key, configuration, size, scheduled.order, (sent) => listener.progress(doneBytes + sent, totalBytes));
      runs.push({ ...scheduled, key, measured: result });
      listener.runFinished(scheduled, result);
      // A failed upload ends the sweep: the runs after it would not compare with the ones before.
      if (result.error) throw result.error;
      doneBytes += size;
    }
  } catch (error) {
    if (!signal.aborted) failure = error instanceof Error ? error : new Error(String(error));
  } finally {
    if (options.keep) cleanup.kept.push(...completed);
    else {
      for (const key of [...completed]) await deleteObject(key);
      cleanup.left.push(...completed);
    }
    // When the server refused every Initiate (bad credentials, no such bucket), no upload can exist.
    const measured = [warmup?.measured, ...runs.map((r) => r.measured)];
    if (measured.some((m) => m && mayHaveStartedUpload(m))) await abortLeftovers(admin, bucket, runPrefix, cleanup, listener);
    await admin.close();
  }
  return { runPrefix, size, warmup, runs, interrupted: signal.aborted, failure, cleanup };
}

/** An Initiate that was answered 2xx, or not answered at all (it may have been carried out). */
function mayHaveStartedUpload(measured: MeasuredUpload): boolean {
  return measured.requests.some((q) => q.api === 'InitiateMultipartUpload' && (q.status === undefined || q.status < 300));
}

/** Aborts every multipart upload under the run's own prefix, and nothing else. */
async function abortLeftovers(admin: OssClient, bucket: string, runPrefix: string, cleanup: Cleanup, listener: SweepListener): Promise<void> {
  let uploads;
  try {
    uploads = await admin.listAllMultipartUploads({ bucket, prefix: runPrefix });
  } catch (error) {
    listener.note(`could not list the bench's unfinished uploads (${(error as Error).message}); check with: oss-resumable uploads oss://${bucket}/${runPrefix}`);
    cleanup.left.push(`${runPrefix} (unfinished uploads not checked)`);
    return;
  }
  for (const upload of uploads) {
    if (!upload.key.startsWith(runPrefix)) continue; // the server's prefix filter, checked again: never touch another key
    try {
      await admin.abortMultipartUpload({ bucket, key: upload.key, uploadId: upload.uploadId });
      cleanup.uploadsAborted++;
    } catch (error) {
      if (error instanceof OssServiceError && error.code === 'NoSuchUpload') continue;
      cleanup.left.push(`${upload.key} (upload ${upload.uploadId})`);
    }
  }
}

/** A seed per upload, so no two objects of a sweep (or of two sweeps) hold the same bytes. */
function seedOf(runId: string, order: number): number {
  let hash = 0x811c9dc5; // FNV-1a
  for (const char of `${runId}#${order}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash >>> 0;
}
