// The resumable upload: validate, lock, resume or start, send parts in parallel, complete,
// verify the object CRC-64, and clean up after a failure, a cancel or a pause.
import { OssCancelledError, OssInvalidArgumentError, OssServiceError } from '../errors.js';
import { crc64OfParts } from '../hash/crc64.js';
import { openForReading, type OpenedFile } from '../hash/read-range.js';
import type { OssClient } from '../client.js';
import type { PartInfo } from '../api/types.js';
import {
  CheckpointWriter,
  deleteCheckpoint,
  ensureCheckpointDir,
  readCheckpoint,
  removeLeftoverTempFiles,
  sealCheckpoint,
  writeCheckpointAtomically,
  type Checkpoint,
} from './checkpoint.js';
import { checkpointPaths, type CheckpointPaths, type CheckpointTarget } from './checkpoint-name.js';
import { describeFileChange, readFileIdentity, sameFileIdentity } from './file-identity.js';
import { acquireLock, type HeldLock } from './lock.js';
import { PartBufferPool } from './part-buffers.js';
import { preparePart } from './part-uploader.js';
import { completedObject, verifyObjectCrc, type ObjectTarget } from './object-check.js';
import { sendParts } from './send-parts.js';
import { sortedParts, type Session } from './session.js';
import { choosePartSize, fitsSinglePut, planParts, type PartPlan } from './plan.js';
import { ProgressTracker } from './progress.js';
import { RetryReporter } from './retry-report.js';
import { judgeCheckpoint, optionsDigest, reconcileParts, type CheckpointBinding } from './resume.js';
import type { ResumableUploadOptions, ResumableUploadResult } from './types.js';
import { validateUploadOptions, type ValidatedUpload } from './validate.js';
import { UploadHandle, type ResumableUploadHandle, type StopKind, type StoppableRun } from './handle.js';

/** Starts uploading `options.file` at once; the returned handle can also be awaited directly. */
export function resumableUpload(client: OssClient, options: ResumableUploadOptions): ResumableUploadHandle {
  return new UploadHandle(new UploadRun(client, options));
}

class UploadRun implements StoppableRun {
  readonly #client: OssClient;
  readonly #options: ResumableUploadOptions;
  /** Aborted by cancel(), pause() or the caller's signal: every request of this upload listens to it. */
  readonly #stopper = new AbortController();
  #stopKind: StopKind | undefined;
  #v!: ValidatedUpload;
  #paths: CheckpointPaths | undefined;
  #binding!: CheckpointBinding;
  /** The multipart upload this run is driving, once known. */
  #session: Session | undefined;
  /** One reusable buffer per part in flight; undefined when parts are too large to buffer. */
  #partBuffers: PartBufferPool | undefined;
  /** The file, open for the buffered reads of the whole upload. */
  #openFile: OpenedFile | undefined;
  readonly #retries: RetryReporter;

  constructor(client: OssClient, options: ResumableUploadOptions) {
    this.#client = client;
    this.#options = options;
    this.#retries = new RetryReporter(options?.onRetry, (note) => this.#note(note));
  }

  stop(kind: StopKind): void {
    if (this.#stopKind) return;
    this.#stopKind = kind;
    this.#stopper.abort(new OssCancelledError(kind === 'pause' ? 'The upload was paused' : 'The upload was cancelled'));
  }

  async start(): Promise<ResumableUploadResult> {
    const callerSignal = this.#options?.signal;
    const onAbort = (): void => this.stop('cancel');
    if (callerSignal?.aborted) onAbort();
    else callerSignal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.#run();
    } finally {
      callerSignal?.removeEventListener('abort', onAbort);
    }
  }

  get #signal(): AbortSignal {
    return this.#stopper.signal;
  }

  async #run(): Promise<ResumableUploadResult> {
    const v = (this.#v = await validateUploadOptions(this.#options, this.#client.bucket));
    this.#throwIfStopped();
    let lock: HeldLock | undefined;
    if (v.checkpointDir) {
      await ensureCheckpointDir(v.checkpointDir).catch((error: NodeJS.ErrnoException) => {
        throw new OssInvalidArgumentError('checkpointDir', `${v.checkpointDir} cannot be created (${error.code ?? error.message})`);
      });
      this.#paths = checkpointPaths(v.checkpointDir, { endpoint: this.#client.endpoint, bucket: v.bucket, key: v.key, filePath: v.filePath });
      lock = await acquireLock(this.#paths.lock);
    }
    try {
      if (this.#paths) await removeLeftoverTempFiles(this.#paths.checkpoint);
      return await this.#upload();
    } catch (error) {
      throw await this.#afterFailure(error);
    } finally {
      this.#partBuffers = undefined; // the handle may outlive the upload; its buffers should not
      await this.#openFile?.handle.close().catch(() => {});
      this.#openFile = undefined;
      await lock?.release();
    }
  }

  async #upload(): Promise<ResumableUploadResult> {
    const v = this.#v;
    const partSize = choosePartSize(v.file.size, v.partSize);
    const plan = planParts(v.file.size, partSize);
    this.#partBuffers = PartBufferPool.forParts(plan.parts[0].size);
    if (this.#partBuffers) this.#openFile = await openForReading(v.filePath);
    this.#binding = {
      endpoint: this.#client.endpoint,
      bucket: v.bucket,
      key: v.key,
      filePath: v.filePath,
      file: v.file,
      partSize,
      optionsDigest: optionsDigest(v.objectHeaders, v.callback),
    };
    const previous = await this.#trustedCheckpoint(plan);
    if (!previous && fitsSinglePut(v.file.size, partSize, v.forceMultipart)) return this.#putWholeFile();
    return this.#multipart(plan, previous);
  }

  // ---- checkpoint loading -------------------------------------------------------------------

  /** The checkpoint if it may be resumed from; an untrusted one is reported, its upload aborted, the file deleted. */
  async #trustedCheckpoint(plan: PartPlan): Promise<Checkpoint | undefined> {
    if (!this.#paths) return undefined;
    const path = this.#paths.checkpoint;
    const loaded = await readCheckpoint(path);
    if (loaded.state === 'missing') return undefined;
    const verdict = judgeCheckpoint(loaded, this.#binding, plan);
    if (verdict.trusted) return verdict.checkpoint;
    const { uploadId, foreignOwner } = verdict;
    // Another target's upload is aborted only if nothing else can resume it: its own checkpoint
    // (a copy of which this one may be) still naming it means another run may be driving it.
    const drivenElsewhere = uploadId !== undefined && foreignOwner !== undefined && (await this.#ownCheckpointNames(foreignOwner, uploadId));
    let next = 'starting again';
    if (drivenElsewhere) next = `leaving its upload ${uploadId} to the checkpoint of ${foreignOwner.key} (${foreignOwner.filePath}) that still records it, and starting again`;
    else if (uploadId) next = `aborting its upload ${uploadId} and starting again`;
    this.#note(`Not resuming from checkpoint ${path}: ${verdict.reason}; ${next}`);
    if (uploadId && !drivenElsewhere) await this.#abortUpload(uploadId, this.#signal, foreignOwner);
    await deleteCheckpoint(path);
    return undefined;
  }

  /** True when `owner`'s own checkpoint (in this checkpoint dir) records `uploadId`. */
  async #ownCheckpointNames(owner: CheckpointTarget, uploadId: string): Promise<boolean> {
    const own = await readCheckpoint(checkpointPaths(this.#v.checkpointDir!, owner).checkpoint).catch(() => undefined);
    return own?.state === 'found' && (own.ok ? own.checkpoint.uploadId : own.uploadId) === uploadId;
  }

  // ---- one PutObject ----------------------------------------------------------------------

  async #putWholeFile(): Promise<ResumableUploadResult> {
    const v = this.#v;
    const size = v.file.size;
    const progress = this.#progress(0);
    const buffer = this.#partBuffers?.acquire();
    // The CRC-64 is always computed here for a single PutObject: unlike a multipart upload there
    // are no part CRCs from the server to combine, so without it the object's CRC could only be
    // compared with itself. One part, so the cost stays small (~0.6 CPU s/GiB of the file).
    const prepared = await preparePart(this.#openFile ?? v.filePath, { partNumber: 1, start: 0, end: size, size }, buffer, true, this.#signal);
    await this.#checkFileUnchanged();
    const result = await this.#client.putObject({
      bucket: v.bucket,
      key: v.key,
      body: prepared.body,
      contentMd5: prepared.md5,
      headers: this.#options.headers,
      meta: this.#options.meta,
      callback: v.callback,
      signal: this.#signal,
      onBodyProgress: (bytes) => progress.sent(1, size, bytes),
      onRetry: (attempt, error, wait) => {
        progress.reset(1);
        this.#retries.listener('PutObject')(attempt, error, wait);
      },
    });
    const crc64 = prepared.crc64 as string; // asked for above
    await verifyObjectCrc(this.#objectTarget(), crc64, result.crc64);
    progress.finish();
    return {
      bucket: v.bucket,
      key: v.key,
      etag: result.etag,
      size,
      crc64,
      uploadId: undefined,
      partsReused: 0,
      bytesSent: size,
      requestId: result.requestId,
      ...callbackFields(result),
    };
  }

  // ---- multipart ----------------------------------------------------------------------------

  async #multipart(plan: PartPlan, previous: Checkpoint | undefined): Promise<ResumableUploadResult> {
    if (previous) {
      const resumed = await this.#resume(previous, plan);
      if ('result' in resumed) return resumed.result;
      this.#session = resumed.session;
    }
    const alreadyDone = [...(this.#session?.done.values() ?? [])].reduce((sum, part) => sum + part.size, 0);
    const progress = this.#progress(alreadyDone);
    for (let restarted = false; ; restarted = true) {
      this.#session ??= await this.#startSession(plan);
      try {
        await this.#sendParts(this.#session, progress);
        break;
      } catch (error) {
        // The server lost the upload mid-way (expired or aborted elsewhere): start over, once.
        if (!isNoSuchUpload(error) || restarted || this.#stopKind) throw error;
        this.#note(`The server no longer has upload ${this.#session.uploadId}; starting a new upload`);
        await this.#session.writer?.flush().catch(() => {});
        this.#session = undefined;
        progress.restart();
      }
    }
    return this.#complete(this.#session, plan, progress);
  }

  /** Checks the recorded upload against the server: a session to continue, or the finished object. */
  async #resume(checkpoint: Checkpoint, plan: PartPlan): Promise<{ session: Session | undefined } | { result: ResumableUploadResult }> {
    const v = this.#v;
    let serverParts: PartInfo[];
    try {
      serverParts = await this.#client.listAllParts({ bucket: v.bucket, key: v.key, uploadId: checkpoint.uploadId, signal: this.#signal, onRetry: this.#retries.listener('ListParts') });
    } catch (error) {
      if (!isNoSuchUpload(error)) throw error;
      // Completed by a run that died before deleting its checkpoint? The object tells.
      const result = await completedObject(this.#objectTarget(), v.file.size, {
        uploadId: checkpoint.uploadId,
        parts: checkpoint.parts,
        partCount: plan.parts.length,
        partsReused: checkpoint.parts.length,
        bytesSent: 0,
      });
      if (result) {
        this.#note(`Upload ${checkpoint.uploadId} had already been completed; the object matches the file`);
        await deleteCheckpoint(this.#paths!.checkpoint);
        this.#progress(v.file.size).finish();
        return { result };
      }
      this.#note(`The server no longer has upload ${checkpoint.uploadId} (expired, aborted or completed); starting again`);
      await deleteCheckpoint(this.#paths!.checkpoint);
      return { session: undefined };
    }
    const { kept, pending, unrecorded } = reconcileParts(plan, checkpoint.parts, serverParts);
    this.#note(`Resuming upload ${checkpoint.uploadId}: ${kept.length} of ${plan.parts.length} parts are already on the server`);
    const session: Session = {
      uploadId: checkpoint.uploadId,
      createdAt: checkpoint.createdAt,
      done: new Map(kept.map((part) => [part.partNumber, part])),
      pending,
      unrecorded,
      partsReused: kept.length,
      bytesSent: 0,
      writer: this.#checkpointWriter(),
    };
    // Forget recorded parts the server no longer has, so the checkpoint says what is true.
    if (kept.length !== checkpoint.parts.length) session.writer?.schedule(() => this.#snapshot(session));
    return { session };
  }

  async #startSession(plan: PartPlan): Promise<Session> {
    const v = this.#v;
    const initiated = await this.#client.initiateMultipartUpload({
      bucket: v.bucket,
      key: v.key,
      headers: this.#options.headers,
      meta: this.#options.meta,
      signal: this.#signal,
      onRetry: this.#retries.listener('InitiateMultipartUpload'),
    });
    const session: Session = {
      uploadId: initiated.uploadId,
      createdAt: new Date().toISOString(),
      done: new Map(),
      pending: plan.parts,
      unrecorded: new Map(),
      partsReused: 0,
      bytesSent: 0,
      writer: this.#checkpointWriter(),
    };
    this.#session = session;
    // The upload id is on disk before the first part is sent, so a crash never orphans parts.
    if (this.#paths) await writeCheckpointAtomically(this.#paths.checkpoint, this.#snapshot(session));
    return session;
  }

  async #sendParts(session: Session, progress: ProgressTracker): Promise<void> {
    const v = this.#v;
    await sendParts(session, {
      target: { client: this.#client, bucket: v.bucket, key: v.key, uploadId: session.uploadId, filePath: v.filePath, progress, retries: this.#retries },
      file: this.#openFile ?? v.filePath,
      buffers: this.#partBuffers,
      parallel: v.parallel,
      localCrc64: v.localCrc64,
      signal: this.#signal,
      snapshot: () => this.#snapshot(session),
    });
    this.#throwIfStopped();
  }

  async #complete(session: Session, plan: PartPlan, progress: ProgressTracker): Promise<ResumableUploadResult> {
    const v = this.#v;
    // Every part is on disk before Complete: a crash after it is then recognised on the next run.
    await session.writer?.flush();
    await this.#checkFileUnchanged();
    const parts = sortedParts(session.done.values());
    if (parts.length !== plan.parts.length) throw new Error(`internal: ${parts.length} of ${plan.parts.length} parts done before Complete`);
    const expectedCrc = crc64OfParts(parts).toString();
    let completed;
    try {
      completed = await this.#client.completeMultipartUpload({
        bucket: v.bucket,
        key: v.key,
        uploadId: session.uploadId,
        parts: parts.map((part) => ({ partNumber: part.partNumber, etag: part.etag })),
        headers: completeHeaders(v.objectHeaders),
        callback: v.callback,
        signal: this.#signal,
        onRetry: this.#retries.listener('CompleteMultipartUpload'),
      });
    } catch (error) {
      // A retried Complete whose first attempt went through answers NoSuchUpload: the object tells.
      if (!isNoSuchUpload(error)) throw error;
      const result = await completedObject(this.#objectTarget(), v.file.size, {
        uploadId: session.uploadId,
        parts,
        partCount: plan.parts.length,
        partsReused: session.partsReused,
        bytesSent: session.bytesSent,
      });
      if (!result) throw error;
      await this.#finishCheckpoint();
      progress.finish();
      return result;
    }
    await verifyObjectCrc(this.#objectTarget(), expectedCrc, completed.crc64);
    await this.#finishCheckpoint();
    progress.finish();
    return {
      bucket: v.bucket,
      key: v.key,
      etag: completed.etag,
      size: v.file.size,
      crc64: expectedCrc,
      uploadId: session.uploadId,
      partsReused: session.partsReused,
      bytesSent: session.bytesSent,
      requestId: completed.requestId,
      ...callbackFields(completed),
    };
  }

  // ---- failure, cancel, cleanup -------------------------------------------------------------

  /** Cleans up after an upload stopped or failed, and returns the error the caller should see. */
  async #afterFailure(error: unknown): Promise<unknown> {
    const uploadId = this.#session?.uploadId;
    await this.#session?.writer?.flush().catch(() => {});
    if (this.#stopKind) {
      const pausing = this.#stopKind === 'pause';
      // Without a checkpoint nothing could resume a paused upload, so it is not kept either.
      const keep = pausing ? this.#paths !== undefined : !this.#v?.deleteUploadOnCancel;
      if (!keep) await this.#discardUpload();
      const what = pausing ? 'paused' : 'cancelled';
      let next = '';
      if (keep && this.#paths && uploadId) next = `; upload ${uploadId} and its checkpoint were kept: run the same upload again to resume`;
      else if (keep && uploadId) next = `; upload ${uploadId} was kept (no checkpointDir, so nothing will resume it)`;
      else if (uploadId) next = `; upload ${uploadId} was aborted`;
      return new OssCancelledError(`The upload of ${this.#v?.filePath ?? 'the file'} was ${what}${next}`, { cause: error });
    }
    // A file that changed explains most failures (InvalidDigest, short reads) better than they do.
    const changed = await this.#fileChange();
    if (changed) {
      // The parts sent so far are of a file that no longer exists: nothing can resume them.
      await this.#discardUpload();
      return changed;
    }
    if (!uploadId) return error;
    if (this.#paths) {
      appendToMessage(error, `. The checkpoint ${this.#paths.checkpoint} was kept: run the same upload again to resume`);
    } else {
      await this.#discardUpload();
      appendToMessage(error, `. Upload ${uploadId} was aborted; set checkpointDir to make uploads resumable`);
    }
    return error;
  }

  /** Aborts the multipart upload and deletes the checkpoint (no orphans). Best effort. */
  async #discardUpload(): Promise<void> {
    const uploadId = this.#session?.uploadId;
    if (uploadId) await this.#abortUpload(uploadId, undefined).catch(() => {});
    if (this.#paths) await deleteCheckpoint(this.#paths.checkpoint).catch(() => {});
  }

  /** Aborts `uploadId` of this upload's bucket and key, or of `target`'s (a foreign checkpoint's). */
  async #abortUpload(uploadId: string, signal: AbortSignal | undefined, target?: { bucket: string; key: string }): Promise<void> {
    try {
      await this.#client.abortMultipartUpload({ bucket: target?.bucket ?? this.#v.bucket, key: target?.key ?? this.#v.key, uploadId, signal });
    } catch (error) {
      if (error instanceof OssCancelledError) throw error;
      if (isNoSuchUpload(error)) return; // already gone, or not an upload of this key
      this.#note(`Could not abort upload ${uploadId} (${(error as Error).message}); remove it later with \`oss-resumable uploads --abort\``);
    }
  }

  async #finishCheckpoint(): Promise<void> {
    if (this.#paths) await deleteCheckpoint(this.#paths.checkpoint);
  }

  // ---- helpers ------------------------------------------------------------------------------

  #progress(alreadyDone: number): ProgressTracker {
    const progress = new ProgressTracker(this.#v.file.size, alreadyDone, this.#options.onProgress);
    this.#retries.track(progress);
    progress.start();
    return progress;
  }

  #checkpointWriter(): CheckpointWriter | undefined {
    return this.#paths ? new CheckpointWriter(this.#paths.checkpoint) : undefined;
  }

  #snapshot(session: Session): Checkpoint {
    return sealCheckpoint({
      ...this.#binding,
      uploadId: session.uploadId,
      createdAt: session.createdAt,
      updatedAt: new Date().toISOString(),
      parts: sortedParts(session.done.values()),
    });
  }

  async #checkFileUnchanged(): Promise<void> {
    const changed = await this.#fileChange();
    if (changed) throw changed;
  }

  /** An error describing how the file differs from when the upload started, or undefined. */
  async #fileChange(): Promise<OssInvalidArgumentError | undefined> {
    const then = this.#v.file;
    const now = await readFileIdentity(this.#v.filePath).catch((error: unknown) => error as Error);
    if (!(now instanceof Error) && sameFileIdentity(then, now)) return undefined;
    const how = now instanceof Error ? 'it can no longer be read' : describeFileChange(then, now);
    return new OssInvalidArgumentError('file', `${this.#v.filePath} changed during the upload (${how}); nothing was completed. Upload it again once it is stable`);
  }

  #objectTarget(): ObjectTarget {
    return { client: this.#client, bucket: this.#v.bucket, key: this.#v.key, signal: this.#signal };
  }

  #throwIfStopped(): void {
    if (this.#stopKind) throw this.#signal.reason;
  }

  #note(message: string): void {
    this.#options.onNote?.(message);
  }
}

function isNoSuchUpload(error: unknown): boolean {
  return error instanceof OssServiceError && error.code === 'NoSuchUpload';
}

/** Object headers that CompleteMultipartUpload honours too. */
function completeHeaders(objectHeaders: Record<string, string>): Record<string, string> {
  const honoured = ['x-oss-forbid-overwrite', 'x-oss-object-acl'];
  return Object.fromEntries(Object.entries(objectHeaders).filter(([name]) => honoured.includes(name)));
}

function callbackFields(result: { callbackBody?: string | undefined; callbackError?: Error | undefined }): Partial<ResumableUploadResult> {
  const fields: Partial<ResumableUploadResult> = {};
  if (result.callbackBody !== undefined) fields.callbackBody = result.callbackBody;
  if (result.callbackError !== undefined) fields.callbackError = result.callbackError;
  return fields;
}

function appendToMessage(error: unknown, text: string): void {
  if (error instanceof Error) error.message += text;
}
