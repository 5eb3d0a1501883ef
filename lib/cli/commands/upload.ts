// `oss-resumable upload <file> oss://bucket/key`: a resumable upload with a progress bar.
// Ctrl-C pauses (the checkpoint stays, the same command resumes) or, with --abort-on-cancel,
// aborts the upload and deletes the checkpoint. Either way the exit code is 130.
import { OssCancelledError } from '../../errors.js';
import type { UploadCallback } from '../../api/types.js';
import { choosePartSize, MAX_PART_SIZE, MIN_PART_SIZE, resumableUpload, type ResumableUploadResult } from '../../upload/index.js';
import { MAX_PARALLEL } from '../../upload/validate.js';
import { parseCommandArgs, parseObjectUrl, parsePairs, parsePositiveInt, parseSize, requirePositionals, UsageError } from '../args.js';
import { withClient, type CommandContext } from '../command.js';
import { CONNECTION_OPTIONS, defaultStateDir, resolveClientSettings, secretValues } from '../config.js';
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
  const { bucket, key } = parseObjectUrl(url!);
  const partSize = values['part-size'] === undefined ? undefined : partSizeFlag(values['part-size']);
  const parallel = values.parallel === undefined ? undefined : parallelFlag(values.parallel);
  const headers = parsePairs(values.header, ':', '--header');
  if (values['content-type'] !== undefined) headers['Content-Type'] = values['content-type'];
  const meta = parsePairs(values.meta, '=', '--meta');
  const callback = callbackFrom(values.callback, values['callback-body'], values['callback-var']);
  const settings = resolveClientSettings(values, io.env, 'upload');
  const output = new Output(io, values, secretValues(io.env));
  const checkpointDir = values['checkpoint-dir'] ?? defaultStateDir(io.env);

  return withClient(settings, async (client) => {
    const bar = output.progressStream ? new ProgressBar(output.progressStream) : undefined;
    const retryStatus = new RetryStatus(bar);
    // The engine checks the file (missing, a directory, unreadable) with its own typed errors, so
    // the part count waits for the size it reports.
    let totalParts: number | undefined;
    const started = performance.now();
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
      deleteUploadOnCancel: values['abort-on-cancel'] === true,
      onNote: (note) => {
        bar?.clear();
        output.note(note);
      },
      onRetry: (event) => retryStatus.onEvent(event),
      onProgress: (sent, total) => {
        totalParts ??= Math.max(1, Math.ceil(total / choosePartSize(total, partSize)));
        bar?.update(progressSnapshot(sent, total, totalParts));
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
      output.result(describeResult(file!, result, seconds), { ...jsonResult(result), seconds: Number(seconds.toFixed(3)), retries: retryStatus.retries });
      if (result.callbackError) output.warn(`the object was stored, but the upload callback failed: ${result.callbackError.message}`);
      return 0;
    } catch (error) {
      retryStatus.stop();
      bar?.clear();
      if (interrupted && error instanceof OssCancelledError) {
        output.note(
          values['abort-on-cancel']
            ? 'The upload was aborted and its checkpoint deleted.'
            : `Paused; the checkpoint is in ${checkpointDir}. To resume, run:\n  ${context.program} ${shellQuote(['upload', ...argv])}`,
        );
        return 130;
      }
      // The engine's error already says whether the checkpoint was kept for a re-run.
      throw error;
    } finally {
      removeInterrupt();
    }
  });
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
  const { bucket, key, etag, size, crc64, uploadId, partsReused, bytesSent } = result;
  return { bucket, key, etag, size, crc64, uploadId: uploadId ?? null, partsReused, bytesSent };
}

function describeResult(file: string, result: ResumableUploadResult, seconds: number): string {
  const reused = result.partsReused > 0 ? `, ${result.partsReused} part(s) (${formatBytes(result.size - result.bytesSent)}) were already uploaded` : '';
  return [
    `uploaded ${file} to oss://${result.bucket}/${result.key}`,
    `  ${formatBytes(result.size)} in ${formatDuration(seconds)} (${formatRate(result.bytesSent / Math.max(seconds, 1e-3))} sent)${reused}`,
    `  etag ${result.etag}, crc64 ${result.crc64}${result.uploadId ? `, upload id ${result.uploadId}` : ''}`,
  ].join('\n');
}
