// What the caller holds while an upload runs: the `done` promise, cancel() and pause(); and it
// is thenable, so `await resumableUpload(...)` works like awaiting `done`.
import { OssInvalidArgumentError } from '../errors.js';
import type { ResumableUploadResult } from './types.js';

export type StopKind = 'cancel' | 'pause';

/** The running upload, as the handle sees it. */
export interface StoppableRun {
  start(): Promise<ResumableUploadResult>;
  stop(kind: StopKind): void;
}

/** A running resumable upload: awaitable like its `done` promise, and stoppable. */
export interface ResumableUploadHandle extends PromiseLike<ResumableUploadResult> {
  // `any` as in Promise#catch, so handlers read the error like they would from a promise.
  /** `done.catch(...)`. */
  catch<B = never>(onRejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<ResumableUploadResult | B>;
  /** `done.finally(...)`. */
  finally(onFinally?: (() => void) | null): Promise<ResumableUploadResult>;
  /** Settles once the upload has finished, failed or stopped (OssCancelledError), with cleanup done. */
  readonly done: Promise<ResumableUploadResult>;
  /**
   * Stops every request of this upload at once. With `deleteUploadOnCancel` (the default) the
   * multipart upload is aborted and the checkpoint deleted; otherwise both are kept. Resolves when
   * the upload has stopped; `done` rejects with OssCancelledError.
   */
  cancel(): Promise<void>;
  /**
   * Like cancel(), but keeps the upload and the checkpoint so a later call with the same options
   * resumes. Needs `checkpointDir` (without a checkpoint nothing could resume the upload): without
   * it, pause() rejects with OssInvalidArgumentError and the upload carries on; use cancel().
   */
  pause(): Promise<void>;
}

export class UploadHandle implements ResumableUploadHandle {
  readonly done: Promise<ResumableUploadResult>;
  readonly #run: StoppableRun;
  readonly #pausable: boolean;

  constructor(run: StoppableRun, options: { pausable: boolean }) {
    this.#run = run;
    this.#pausable = options.pausable;
    this.done = run.start();
  }

  cancel(): Promise<void> {
    return this.#stop('cancel');
  }

  pause(): Promise<void> {
    if (!this.#pausable) {
      return Promise.reject(new OssInvalidArgumentError('checkpointDir', 'pause() needs checkpointDir: without a checkpoint nothing can resume the upload, so it keeps running; use cancel() to stop it'));
    }
    return this.#stop('pause');
  }

  then<A = ResumableUploadResult, B = never>(
    onFulfilled?: ((value: ResumableUploadResult) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.done.then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<ResumableUploadResult | B> {
    return this.done.catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<ResumableUploadResult> {
    return this.done.finally(onFinally);
  }

  #stop(kind: StopKind): Promise<void> {
    this.#run.stop(kind);
    // Whoever stops an upload expects `done` to reject; this also keeps that from being "unhandled".
    return this.done.then(
      () => undefined,
      () => undefined,
    );
  }
}

