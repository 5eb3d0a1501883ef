// Every measured upload runs in a fresh process of its own, as `upload` would: its peak RSS and
// CPU are then that upload's alone. In one long-lived process they are not: the allocator keeps
// the part buffers of an earlier configuration (glibc raises its mmap threshold after a large
// free, so later buffers come from a heap it does not give back), and an 8 MiB × 2 run measured
// after 16 MiB × 16 showed 206 MiB where it needs about 95.
//   parent: measureInProcess(job) forks upload-process-main.js, sends the job, gets the result
//   child:  runs measureUpload() and sends its MeasuredUpload back (errors as plain fields)
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MeasureOptions, MeasuredUpload } from './measure-upload.js';

/** What the child needs: the measure options without the signal (cancel is a message), and the data's seed. */
export interface UploadJob extends Omit<MeasureOptions, 'signal' | 'data' | 'onProgress'> {
  data: { generated: { size: number; seed: number } } | { file: string };
}

/** Child → parent. */
export type ChildMessage =
  | { type: 'progress'; sent: number; total: number }
  | { type: 'done'; result: Omit<MeasuredUpload, 'error'> & { error: SerializedError | undefined }; timeOrigin: number };

/** Parent → child. */
export type ParentMessage = { type: 'start'; job: UploadJob } | { type: 'cancel' };

export interface SerializedError {
  name: string;
  message: string;
  code: string | undefined;
}

export function serializeError(error: Error): SerializedError {
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, code: typeof code === 'string' ? code : undefined };
}

/**
 * Runs `job` in a fresh process and returns what it measured, its times moved onto this
 * process's performance.now() clock. Aborting `signal` cancels the upload there (the engine
 * aborts the multipart upload) and still returns its measurement, with the cancel as its error.
 */
export function measureInProcess(job: UploadJob, signal: AbortSignal, onProgress?: (sent: number, total: number) => void): Promise<MeasuredUpload> {
  const script = fileURLToPath(new URL('./upload-process-main.js', import.meta.url));
  // No inherited flags (a --inspect of the bench would collide); stdout/stderr shared for crashes.
  const child = fork(script, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let result: MeasuredUpload | undefined;
    const cancel = (): void => void child.send({ type: 'cancel' } satisfies ParentMessage, () => {});
    signal.addEventListener('abort', cancel, { once: true });
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') return onProgress?.(message.sent, message.total);
      const shift = message.timeOrigin - performance.timeOrigin;
      const { error, requests, ...rest } = message.result;
      result = {
        ...rest,
        requests: requests.map((q) => ({ ...q, ...shifted(q, shift) })),
        error: error && Object.assign(new Error(error.message), { name: error.name, code: error.code }),
      };
    });
    child.once('error', reject);
    child.once('exit', (code, exitSignal) => {
      signal.removeEventListener('abort', cancel);
      if (result) resolve(result);
      else reject(new Error(`the upload process ended without a result (${exitSignal ?? `exit code ${code}`})`));
    });
    child.send({ type: 'start', job } satisfies ParentMessage);
    if (signal.aborted) cancel();
  });
}

function shifted(q: MeasuredUpload['requests'][number], shift: number): Partial<MeasuredUpload['requests'][number]> {
  const move = (ms: number | undefined) => (ms === undefined ? undefined : ms + shift);
  return { startMs: q.startMs + shift, bodySentMs: move(q.bodySentMs), responseMs: move(q.responseMs), endMs: q.endMs + shift };
}
