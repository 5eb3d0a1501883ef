// The process one measured upload runs in (see upload-process.ts): V8 tuned as the `upload`
// command tunes it, then one upload from the job the parent sends, its measurement sent back.
// A cancel message, or the parent going away (even killed), cancels the upload, which aborts
// the multipart upload. Ctrl-C reaches this process too; the parent decides, so it is ignored.
import { keepYoungGenerationSmall } from '../cli/young-generation.js';
import { generatedSource } from './generated-source.js';
import { measureUpload } from './measure-upload.js';
import { serializeError, type ChildMessage, type ParentMessage } from './upload-process.js';

keepYoungGenerationSmall();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});

const PROGRESS_MS = 100;
let lastProgress = -Infinity;
const stop = new AbortController();
/** An orphan gets this long to abort its upload (the server may be gone too, as with --local). */
const ORPHAN_CLEANUP_MS = 60_000;
process.once('disconnect', () => {
  stop.abort(new Error('the bench went away'));
  setTimeout(() => process.exit(1), ORPHAN_CLEANUP_MS).unref();
});
process.on('message', (message: ParentMessage) => {
  if (message.type === 'cancel') return stop.abort(new Error('cancelled'));
  void run(message.job);
});

async function run(job: Extract<ParentMessage, { type: 'start' }>['job']): Promise<void> {
  const data = 'file' in job.data ? { file: job.data.file } : { source: generatedSource(job.data.generated.size, job.data.generated.seed) };
  const measured = await measureUpload({
    ...job,
    data,
    signal: stop.signal,
    onProgress: (sent, total) => {
      // A few lines a second are all the display needs; every 1 MiB would be IPC for nothing.
      const now = performance.now();
      if (sent < total && now - lastProgress < PROGRESS_MS) return;
      lastProgress = now;
      send({ type: 'progress', sent, total });
    },
  });
  const { error, ...rest } = measured;
  const done: ChildMessage = { type: 'done', result: { ...rest, error: error && serializeError(error) }, timeOrigin: performance.timeOrigin };
  if (!process.connected) process.exit(0);
  process.send!(done, () => process.exit(0));
}

function send(message: ChildMessage): void {
  if (process.connected) process.send!(message, () => {});
}
