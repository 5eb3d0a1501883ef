// The resumable upload: validate, lock, resume or start, send parts in parallel, complete,
// verify the object CRC-64, and clean up after a failure, a cancel or a pause.
import { OssCancelledError, OssInvalidArgumentError, OssServiceError } from '../errors.js';
import { crc64OfParts } from '../hash/crc64.js';
import { openForReading, type OpenedFile, type RangeReadable } from '../hash/read-range.js';
import { createMd5Lanes, type Md5Lanes } from '../hash/md5-lanes.js';
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
import { acquireLock, OssUploadLockedError, type HeldLock } from './lock.js';
import { multipartBufferBytes, PartBufferPool } from './part-buffers.js';
import { LONG_LINK_PARALLEL, partsInFlightFor } from './long-link.js';
import { preparePart } from './part-uploader.js';
import { completedObject, verifyObjectCrc, withEtagWarning, type ObjectTarget } from './object-check.js';
import { sendParts } from './send-parts.js';
import { firstChangedPart } from './verify-parts.js';
import { sortedParts, type Session } from './session.js';
import { choosePartSize, fitsSinglePut, MAX_PART_SIZE, MIN_PART_SIZE, planParts, type PartPlan } from './plan.js';
import { ProgressTracker } from './progress.js';
import { RetryReporter } from './retry-report.js';
import { judgeCheckpoint, optionsDigest, reconcileParts, type CheckpointBinding } from './resume.js';
import type { ResumableUploadOptions, ResumableUploadResult, SourceUploadOptions } from './types.js';
import { validateUploadOptions, type ValidatedUpload } from './validate.js';
import { UploadHandle, type ResumableUploadHandle, type StopKind, type StoppableRun } from './handle.js';

/** Starts uploading `options.file` at once; the returned handle can also be awaited directly. */
export function resumableUpload(client: OssClient, options: ResumableUploadOptions): ResumableUploadHandle {
  return new UploadHandle(new UploadRun(client, options), { pausable: options?.checkpointDir !== undefined });
}

/** Starts uploading the bytes of `options.source`: as resumableUpload(), without a checkpoint (so no pause()). */
export function resumableUploadFromSource(client: OssClient, options: SourceUploadOptions): ResumableUploadHandle {
  return new UploadHandle(new UploadRun(client, options), { pausable: false });
}

class UploadRun implements StoppableRun {
  readonly #client: OssClient;
  readonly #options: ResumableUploadOptions | SourceUploadOptions;
  /** Aborted by cancel(), pause() or the caller's signal: every request of this upload listens to it. */
  readonly #stopper = new AbortController();
  #stopKind: StopKind | undefined;
  #v!: ValidatedUpload;
  #paths: CheckpointPaths | undefined;
  #binding!: CheckpointBinding;
  /** The multipart upload this run is driving, once known. */
  #session: Session | undefined;
  /** The buffer of a single PutObject; undefined when the part is too large to buffer. */
  #partBuffers: PartBufferPool | undefined;
  /** The multi-buffer MD5 that hashes the parts (ahead of the senders, and when a resume re-reads them). */
  #lanes: Md5Lanes | undefined;
  /** The file, open for the reads of the whole upload. */
  #openFile: OpenedFile | undefined;
  /** Parts in flight at once: `parallel`, capped at the client's connections. */
  #parallel = 1;
  /** Parts in flight with the default parallelism on a long link, as far as connections and maxMemory allow. */
  #longLinkParallel = 1;
  /** How long the upload's first request (Initiate, or ListParts on a resume) took. */
  #firstRequestMs: number | undefined;
  /** How the file's identity differs from the trusted checkpoint's (same size), if it does. */
  #fileChangedSinceCheckpoint: string | undefined;
  readonly #retries: RetryReporter;

  constructor(client: OssClient, options: ResumableUploadOptions | SourceUploadOptions) {
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
      try {
        await ensureCheckpointDir(v.checkpointDir);
        this.#paths = checkpointPaths(v.checkpointDir, { endpoint: this.#client.endpoint, bucket: v.bucket, key: v.key, filePath: v.filePath });
        lock = await acquireLock(this.#paths.lock);
      } catch (error) {
        if (error instanceof OssUploadLockedError) throw error;
        // A file that goes as one PutObject has nothing to resume, so it needs no checkpoint.
        const singlePut = fitsSinglePut(v.file.size, choosePartSize(v.file.size, v.partSize), v.forceMultipart);
        if (!singlePut && error instanceof OssInvalidArgumentError) throw error; // already says what and why
        const why = error instanceof OssInvalidArgumentError ? error.message.replace(/^Invalid checkpointDir: /, '') : unusableDirReason(error);
        if (!singlePut) throw new OssInvalidArgumentError('checkpointDir', `${v.checkpointDir} is not usable for checkpoints (${why}); choose a directory this user can write`);
        this.#note(`The checkpoint directory ${v.checkpointDir} is not usable (${why}); a single PutObject needs none, so uploading without a checkpoint`);
        this.#paths = undefined;
      }
    }
    try {
      if (this.#paths) await removeLeftoverTempFiles(this.#paths.checkpoint);
      return await this.#upload();
    } catch (error) {
      throw await this.#afterFailure(error);
    } finally {
      this.#partBuffers = undefined; // the handle may outlive the upload; its buffers should not
      this.#lanes = undefined;
      await this.#openFile?.handle.close().catch(() => {});
      this.#openFile = undefined;
      await lock?.release();
    }
  }

  async #upload(): Promise<ResumableUploadResult> {
    const v = this.#v;
    const partSize = choosePartSize(v.file.size, this.#options.partSize === undefined ? await this.#checkpointPartSize() : v.partSize);
    const plan = planParts(v.file.size, partSize);
    this.#options.onPlan?.({ partSize, partCount: plan.parts.length });
    this.#partBuffers = PartBufferPool.forParts(plan.parts[0].size);
    this.#lanes = await createMd5Lanes();
    this.#parallel = this.#partsInFlight(plan);
    if (!v.source) this.#openFile = await openForReading(v.filePath);
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

  /**
   * How many parts go at once: never more than the connections that could carry them, and the
   * buffers they and the parts hashed ahead of them hold must fit maxMemory.
   */
  #partsInFlight(plan: PartPlan): number {
    const v = this.#v;
    const connections = this.#client.connections;
    const parallel = Math.min(v.parallel, connections);
    if (parallel < v.parallel) this.#note(`parallel ${v.parallel} is more than the client's ${connections} connections; sending ${parallel} parts at once (raise \`connections\` for more)`);
    // A one-part file may go as one PutObject, whose buffer holds the whole part.
    const singlePut = plan.parts.length === 1 ? (this.#partBuffers?.bufferSize ?? 0) : 0;
    const buffered = Math.max(singlePut, multipartBufferBytes(plan, parallel, this.#lanes!.width));
    if (buffered > v.maxMemory) {
      throw new OssInvalidArgumentError(
        'parallel',
        `${parallel} parts in flight with parts of ${mebibytes(plan.partSize)} would hold ${mebibytes(buffered)} of read buffers (the senders' and the ${this.#lanes!.width} parts hashed ahead), ` +
          `more than the ${mebibytes(v.maxMemory)} allowed (maxMemory; --max-memory in the CLI). Lower parallel, or raise the limit if the memory is really there`,
      );
    }
    this.#longLinkParallel = parallel;
    if (!v.parallelGiven) {
      for (let more = Math.min(LONG_LINK_PARALLEL, connections); more > parallel; more--) {
        if (multipartBufferBytes(plan, more, this.#lanes!.width) > v.maxMemory) continue;
        this.#longLinkParallel = more;
        break;
      }
    }
    return parallel;
  }

  /**
   * Runs the upload's first request, timing it: its round trip decides the default parallelism.
   * One that was retried timed the outage, not the link, and is not counted.
   */
  async #firstRequest<T>(request: Promise<T>): Promise<T> {
    const began = performance.now();
    const retries = this.#retries.total;
    const result = await request;
    if (this.#retries.total === retries) this.#firstRequestMs ??= performance.now() - began;
    return result;
  }

  // ---- checkpoint loading -------------------------------------------------------------------

  /** The checkpoint if it may be resumed from; an untrusted one is reported, its upload aborted, the file deleted. */
  async #trustedCheckpoint(plan: PartPlan): Promise<Checkpoint | undefined> {
    if (!this.#paths) return undefined;
    const path = this.#paths.checkpoint;
    const loaded = await readCheckpoint(path);
    if (loaded.state === 'missing') return undefined;
    const verdict = judgeCheckpoint(loaded, this.#binding, plan);
    if (verdict.trusted) {
      this.#fileChangedSinceCheckpoint = verdict.fileChange;
      return verdict.checkpoint;
    }
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

  /**
   * No part size given: the one this file's checkpoint was made with, so a re-run that leaves the
   * option out resumes instead of restarting for a differing default. Else the default.
   */
  async #checkpointPartSize(): Promise<number> {
    const v = this.#v;
    const path = this.#paths?.checkpoint;
    const loaded = path ? await readCheckpoint(path) : undefined;
    if (loaded?.state !== 'found' || !loaded.ok || !sameFileIdentity(loaded.checkpoint.file, v.file)) return v.partSize;
    const recorded = loaded.checkpoint.partSize;
    if (recorded === choosePartSize(v.file.size, v.partSize) || recorded < MIN_PART_SIZE || recorded > MAX_PART_SIZE) return v.partSize;
    this.#note(`Continuing with the checkpoint's part size of ${recorded} bytes, as none was given`);
    return recorded;
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
    const prepared = await preparePart(this.#reader, { partNumber: 1, start: 0, end: size, size }, buffer, true, this.#signal);
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
    // Parts on the server still to be verified count as done until one proves otherwise.
    const resumed = this.#session;
    const alreadyDone = resumed ? sumSizes(resumed.done.values()) + sumSizes(resumed.onServer.values()) : 0;
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
    const changed = this.#fileChangedSinceCheckpoint;
    // Only resumeCheck 'identity' with an identity unchanged down to the ctime keeps parts unread.
    const trustRecorded = v.resumeCheck === 'identity' && changed === undefined;
    if (changed) this.#note(`The file changed since the checkpoint was written (${changed}); every part already on the server is re-read and kept only if it still holds the file's bytes`);
    let serverParts: PartInfo[];
    try {
      serverParts = await this.#firstRequest(this.#client.listAllParts({ bucket: v.bucket, key: v.key, uploadId: checkpoint.uploadId, signal: this.#signal, onRetry: this.#retries.listener('ListParts') }));
    } catch (error) {
      if (!isNoSuchUpload(error)) throw error;
      // Completed by a run that died before deleting its checkpoint? The object tells, once the
      // recorded parts are proved to still be the file's bytes.
      const result = await this.#objectCompletedEarlier(checkpoint, plan, trustRecorded);
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
    const { kept, pending, onServer } = reconcileParts(plan, checkpoint.parts, serverParts, trustRecorded);
    const onServerCount = kept.length + onServer.size;
    const how = trustRecorded ? 'kept without re-reading (resumeCheck identity; the file is unchanged)' : "each is re-read and kept only if it hashes to the server's ETag";
    this.#note(`Resuming upload ${checkpoint.uploadId}: ${onServerCount} of ${plan.parts.length} parts are already on the server; ${how}`);
    const session: Session = {
      uploadId: checkpoint.uploadId,
      createdAt: checkpoint.createdAt,
      done: new Map(kept.map((part) => [part.partNumber, part])),
      pending,
      onServer,
      partsReused: kept.length,
      bytesSent: 0,
      writer: this.#checkpointWriter(),
    };
    // Forget recorded parts not kept yet, so the checkpoint says only what is proved.
    if (kept.length !== checkpoint.parts.length) session.writer?.schedule(() => this.#snapshot(session));
    return { session };
  }

  /** The object at the key, if an earlier run completed `checkpoint`'s upload from the file as it is now. */
  async #objectCompletedEarlier(checkpoint: Checkpoint, plan: PartPlan, trustRecorded: boolean): Promise<ResumableUploadResult | undefined> {
    const v = this.#v;
    const upload = { uploadId: checkpoint.uploadId, parts: checkpoint.parts, partCount: plan.parts.length, partsReused: checkpoint.parts.length, bytesSent: 0 };
    const result = await completedObject(this.#objectTarget(), v.file.size, upload);
    if (!result || trustRecorded) return result;
    const recorded = new Map(checkpoint.parts.map((part) => [part.partNumber, part]));
    const changedPart = await firstChangedPart(plan.parts, recorded, { file: this.#reader, lanes: this.#lanes!, signal: this.#signal });
    if (changedPart === undefined) return result;
    this.#note(`The object at ${v.key} was completed by an earlier run from other bytes (part ${changedPart} of the file differs now); uploading the file again`);
    return undefined;
  }

  async #startSession(plan: PartPlan): Promise<Session> {
    const v = this.#v;
    const initiated = await this.#firstRequest(
      this.#client.initiateMultipartUpload({
        bucket: v.bucket,
        key: v.key,
        headers: this.#options.headers,
        meta: this.#options.meta,
        signal: this.#signal,
        onRetry: this.#retries.listener('InitiateMultipartUpload'),
      }),
    );
    const session: Session = {
      uploadId: initiated.uploadId,
      createdAt: new Date().toISOString(),
      done: new Map(),
      pending: plan.parts,
      onServer: new Map(),
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
    const parallel = partsInFlightFor(this.#firstRequestMs, this.#parallel, this.#longLinkParallel);
    if (parallel > this.#parallel) {
      this.#note(`The first request took ${Math.round(this.#firstRequestMs!)} ms, a long round trip: sending ${parallel} parts at once instead of ${this.#parallel}, so some send while others wait for their answers (set parallel to choose)`);
    }
    await sendParts(session, {
      target: { client: this.#client, bucket: v.bucket, key: v.key, uploadId: session.uploadId, filePath: v.filePath, progress, retries: this.#retries },
      file: this.#reader,
      lanes: this.#lanes!,
      parallel,
      localCrc64: v.localCrc64,
      signal: this.#signal,
      snapshot: () => this.#snapshot(session),
      note: (message) => this.#note(message),
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
      return withEtagWarning(result, plan.parts.length);
    }
    await verifyObjectCrc(this.#objectTarget(), expectedCrc, completed.crc64);
    await this.#finishCheckpoint();
    progress.finish();
    return withEtagWarning({
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
    }, plan.parts.length);
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
    const changed = await this.#fileChange(error instanceof OssInvalidArgumentError ? undefined : error);
    if (changed) {
      // Same size: the parts sent so far may still be the file's, and a resume re-reads each one
      // before keeping it, so they are kept. Another size or no file: nothing can resume them.
      if (!changed.sameSize || !this.#paths || !uploadId) {
        await this.#discardUpload();
        appendToMessage(changed.error, '. Upload it again once it is stable');
        return changed.error;
      }
      appendToMessage(changed.error, `. Upload ${uploadId} and the checkpoint ${this.#paths.checkpoint} were kept: once the file is stable, run the same upload again; the parts whose bytes are unchanged are kept, the others sent again`);
      return changed.error;
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
    if (changed) throw changed.error;
  }

  /**
   * How the file differs from when the upload started (size, mtime, inode or ctime), or undefined.
   * `cause`: the failure the change may explain.
   */
  async #fileChange(cause?: unknown): Promise<{ error: OssInvalidArgumentError; sameSize: boolean } | undefined> {
    if (this.#v.source) return undefined; // no file to change (what is sent is still hashed and checked)
    const then = this.#v.file;
    const now = await readFileIdentity(this.#v.filePath).catch((error: unknown) => error as Error);
    if (!(now instanceof Error) && sameFileIdentity(then, now)) return undefined;
    const how = now instanceof Error ? 'it can no longer be read' : describeFileChange(then, now);
    const message = `${this.#v.filePath} changed during the upload (${how}); nothing was completed`;
    const error = new OssInvalidArgumentError('file', message, cause === undefined ? undefined : { cause });
    return { error, sameSize: !(now instanceof Error) && now.size === then.size };
  }

  /** Where parts are read from: the source, else the file (open for buffered reads, or its path). */
  get #reader(): RangeReadable {
    return this.#v.source ?? this.#openFile ?? this.#v.filePath;
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

function mebibytes(bytes: number): string {
  return `${Number((bytes / 1024 ** 2).toFixed(1))} MiB`;
}

function sumSizes(parts: Iterable<{ size: number }>): number {
  let sum = 0;
  for (const part of parts) sum += part.size;
  return sum;
}

/** Why a checkpoint directory could not be used, in a few words (errno code and path). */
function unusableDirReason(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  return err?.code ? `${err.code}${err.path ? ` on ${err.path}` : ''}` : String(err?.message ?? error);
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
