// `oss-resumable upload <file> oss://bucket/key`: a resumable upload with a progress bar.
// Ctrl-C pauses (the checkpoint stays, the same command resumes) or, with --abort-on-cancel,
// aborts the upload and deletes the checkpoint. Either way the exit code is 130.
import { resolve } from 'node:path';
import { OssCancelledError, OssInvalidArgumentError } from '../../errors.js';
import { callbackHeaders } from '../../api/callback.js';
import { objectHeaders } from '../../api/object-headers.js';
import type { UploadCallback } from '../../api/types.js';
import { checkpointPaths, MAX_PART_SIZE, MIN_PART_SIZE, resumableUpload, type ResumableUploadResult, type ResumeCheck } from '../../upload/index.js';
import { readCheckpoint } from '../../upload/checkpoint.js';
import { MAX_PARALLEL } from '../../upload/validate.js';
import { asUsageError, parseCommandArgs, parsePairs, parsePositiveInt, parseSize, parseUploadDestination, requirePositionals, UsageError } from '../args.js';
import { withClient, type CommandContext } from '../command.js';
import { CONNECTION_OPTIONS, connectionsFor, defaultStateDir, resolveClientSettings, secretValues } from '../config.js';
import { formatBytes, formatDuration, formatRate, sizeAsTyped } from '../format.js';
import { HELP } from '../help.js';
import { Output } from '../output.js';
import { ProgressBar, progressSnapshot } from '../progress-bar.js';
import { RetryStatus } from '../retry-status.js';
import { shellQuote } from '../shell-quote.js';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  'checkpoint-dir': { type: 'string' },
  'part-size': { type: 'string' },
  parallel: { type: 'string' },
  'content-type': { type: 'string' },
  meta: { type: 'string', multiple: true },
  header: { type: 'string', multiple: true },
  callback: { type: 'string' },
  'callback-body': { type: 'string' },
  'callback-var': { type: 'string', multiple: true },
  'force-multipart': { type: 'boolean' },
  'local-crc64': { type: 'boolean' },
  'resume-check': { type: 'string' },
  'max-memory': { type: 'string' },
  'abort-on-cancel': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DEFAULT_CALLBACK_BODY = 'bucket=${bucket}&object=${object}&etag=${etag}&size=${size}';

export async function runUpload(argv: string[], context: CommandContext): Promise<number> {
  const { io } = context;
  const { values, positionals } = parseCommandArgs('upload', argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP.upload);
    return 0;
  }
  const [file, url] = requirePositionals('upload', positionals, ['file', 'oss://bucket/key']);
  const { bucket, key } = parseUploadDestination(url!, file!);
  const partSize = values['part-size'] === undefined ? undefined : partSizeFlag(values['part-size']);
  const parallel = values.parallel === undefined ? undefined : parallelFlag(values.parallel);
  const headers = parsePairs(values.header, ':', '--header');
  if (values['content-type'] !== undefined) headers['Content-Type'] = values['content-type'];
  const meta = parsePairs(values.meta, '=', '--meta');
  const callback = callbackFrom(values.callback, values['callback-body'], values['callback-var']);
  const resumeCheck = resumeCheckFlag(values['resume-check']);
  const maxMemory = values['max-memory'] === undefined ? undefined : parseSize(values['max-memory'], '--max-memory');
  // The engine would refuse these too, but only after the command line was accepted.
  asUsageError(() => objectHeaders({ headers, meta }), 'upload');
  asUsageError(() => callbackHeaders(callback), 'upload');
  // The pool follows --parallel, so every part in flight has a connection (and its buffer, work).
  const settings = { ...resolveClientSettings(values, io.env, 'upload'), connections: connectionsFor(parallel) };
  const output = new Output(io, values, secretValues(io.env));
  const checkpointDir = values['checkpoint-dir'] ?? defaultStateDir(io.env);

  return withClient(settings, async (client) => {
    const bar = output.progressStream ? new ProgressBar(output.progressStream) : undefined;
    const retryStatus = new RetryStatus(bar);
    // The engine checks the file (missing, a directory, unreadable) with its own typed errors, and
    // may take the part size from the checkpoint: the part count comes from its plan.
    let totalParts = 1;
    const started = performance.now();
    let sentAt: number | undefined;
    const handle = resumableUpload(client, {
      file: file!,
      key,
      bucket,
      checkpointDir,
      partSize,
      parallel,
      headers,
      meta,
      callback,
      forceMultipart: values['force-multipart'] === true,
      localCrc64: values['local-crc64'] === true,
      resumeCheck,
      maxMemory,
      deleteUploadOnCancel: values['abort-on-cancel'] === true,
      onNote: (note) => {
        bar?.clear();
        output.note(note);
      },
      onPlan: (plan) => {
        totalParts = plan.partCount;
      },
      onRetry: (event) => retryStatus.onEvent(event),
      onProgress: (sent, total) => {
        bar?.update(progressSnapshot(sent, total, totalParts));
        if (sent < total) return;
        sentAt ??= performance.now();
        bar?.completing();
      },
    });

    let interrupted = false;
    const removeInterrupt = context.onInterrupt(() => {
      interrupted = true;
      bar?.clear();
      output.note(values['abort-on-cancel'] ? 'interrupted: aborting the upload and deleting its checkpoint…' : 'interrupted: stopping, the checkpoint is kept…');
      void (values['abort-on-cancel'] ? handle.cancel() : handle.pause());
    });
    try {
      const result = await handle.done;
      retryStatus.stop();
      bar?.finish();
      const seconds = (performance.now() - started) / 1000;
      const sendSeconds = ((sentAt ?? performance.now()) - started) / 1000;
      output.result(describeResult(file!, result, seconds, sendSeconds, totalParts), {
        ...jsonResult(result),
        seconds: Number(seconds.toFixed(3)),
        sendSeconds: Number(sendSeconds.toFixed(3)),
        retries: retryStatus.retries,
      });
      if (result.warning) output.warn(result.warning);
      if (result.callbackError) output.warn(`the object was stored, but the upload callback failed: ${result.callbackError.message}`);
      return 0;
    } catch (error) {
      retryStatus.stop();
      bar?.clear();
      if (interrupted && error instanceof OssCancelledError) {
        await reportInterrupted(output, {
          aborted: values['abort-on-cancel'] === true,
          checkpointDir,
          checkpoint: checkpointPaths(checkpointDir, { endpoint: client.endpoint, bucket, key, filePath: resolve(file!) }).checkpoint,
          resumeCommand: `${context.program} ${shellQuote(['upload', ...argv])}`,
        });
        return 130;
      }
      throw withCheckpointDirHint(error, values['checkpoint-dir'] !== undefined);
    } finally {
      removeInterrupt();
    }
  });
}

/** Ctrl-C: a note on stderr, and with --json one object saying how to resume and what was kept. */
async function reportInterrupted(output: Output, how: { aborted: boolean; checkpointDir: string; checkpoint: string; resumeCommand: string }): Promise<void> {
  if (how.aborted) {
    output.note('The upload was aborted and its checkpoint deleted.');
    output.result('', { interrupted: true, aborted: true });
    return;
  }
  output.note(`Paused; the checkpoint is in ${how.checkpointDir}. To resume, run:\n  ${how.resumeCommand}`);
  // What the checkpoint records is what a resume starts from (a single PutObject has none).
  const loaded = await readCheckpoint(how.checkpoint).catch(() => undefined);
  const recorded = loaded?.state === 'found' && loaded.ok ? loaded.checkpoint : undefined;
  output.result('', {
    interrupted: true,
    aborted: false,
    resumeCommand: how.resumeCommand,
    uploadId: recorded?.uploadId ?? null,
    partsKept: recorded?.parts.length ?? 0,
    checkpoint: recorded ? how.checkpoint : null,
  });
}

/** The engine names its option (checkpointDir); a CLI user changes a flag or a variable instead. */
function withCheckpointDirHint(error: unknown, flagGiven: boolean): unknown {
  if (!(error instanceof OssInvalidArgumentError) || error.argument !== 'checkpointDir') return error;
  const hint = flagGiven
    ? 'pass a writable --checkpoint-dir'
    : 'the default is $XDG_STATE_HOME/oss-resumable (else ~/.local/state/oss-resumable): set XDG_STATE_HOME to a writable directory or pass --checkpoint-dir';
  error.message = `${error.message.replace(/^Invalid checkpointDir: /, 'Unusable checkpoint directory: ')}; ${hint}`;
  return error;
}

/** Out of OSS's part limits is a usage error here, before anything runs, not a failed upload. */
function partSizeFlag(text: string): number {
  const bytes = parseSize(text, '--part-size');
  if (bytes < MIN_PART_SIZE || bytes > MAX_PART_SIZE) {
    throw new UsageError(`--part-size ${JSON.stringify(text)} is ${bytes} bytes; a part must be from ${sizeAsTyped(MIN_PART_SIZE)} (${MIN_PART_SIZE} bytes) to ${sizeAsTyped(MAX_PART_SIZE)}`, 'upload');
  }
  return bytes;
}

function parallelFlag(text: string): number {
  const parallel = parsePositiveInt(text, '--parallel');
  if (parallel > MAX_PARALLEL) throw new UsageError(`--parallel ${JSON.stringify(text)} must be at most ${MAX_PARALLEL}`, 'upload');
  return parallel;
}

function callbackFrom(url: string | undefined, body: string | undefined, vars: string[] | undefined): UploadCallback | undefined {
  if (url === undefined) {
    if (body !== undefined || vars !== undefined) throw new UsageError('--callback-body and --callback-var need --callback URL', 'upload');
    return undefined;
  }
  const parsedVars = parsePairs(vars, '=', '--callback-var');
  for (const name of Object.keys(parsedVars)) {
    if (!name.startsWith('x:')) throw new UsageError(`--callback-var ${JSON.stringify(name)}: custom variable names must start with "x:"`, 'upload');
  }
  return { url, body: body ?? DEFAULT_CALLBACK_BODY, vars: Object.keys(parsedVars).length > 0 ? parsedVars : undefined };
}

function jsonResult(result: ResumableUploadResult) {
  const { bucket, key, etag, size, crc64, uploadId, partsReused, bytesSent, warning } = result;
  return { bucket, key, etag, size, crc64, uploadId: uploadId ?? null, partsReused, bytesSent, ...(warning ? { warning } : {}) };
}

function describeResult(file: string, result: ResumableUploadResult, seconds: number, sendSeconds: number, totalParts: number): string {
  // Counts what the resume note counts: parts found on the server and kept, not sent again.
  const reused = result.partsReused > 0 ? `; ${result.partsReused} of ${totalParts} parts (${formatBytes(result.size - result.bytesSent)}) were already on the server` : '';
  const waited = seconds - sendSeconds;
  const completing = result.uploadId && waited >= 0.05 ? `, completing ${formatDuration(waited)}` : '';
  return [
    `uploaded ${file} to oss://${result.bucket}/${result.key}`,
    `  ${formatBytes(result.size)} in ${formatDuration(seconds)}: sent ${formatBytes(result.bytesSent)} in ${formatDuration(sendSeconds)} (${formatRate(result.bytesSent / Math.max(sendSeconds, 1e-3))})${completing}${reused}`,
    `  etag ${result.etag}, crc64 ${result.crc64}${result.uploadId ? `, upload id ${result.uploadId}` : ''}`,
  ].join('\n');
}

function resumeCheckFlag(value: string | undefined): ResumeCheck | undefined {
  if (value === undefined || value === 'content' || value === 'identity') return value;
  throw new UsageError(`--resume-check ${JSON.stringify(value)}: use content (re-read each part kept on a resume, the default) or identity`, 'upload');
}
