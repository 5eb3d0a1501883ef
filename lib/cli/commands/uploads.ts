// `oss-resumable uploads oss://bucket[/prefix]`: list unfinished multipart uploads, and with
// `--older-than D --abort` clean up the ones nobody resumed (their parts are billed until then).
import { OssServiceError } from '../../errors.js';
import type { MultipartUploadInfo } from '../../api/types.js';
import { parseCommandArgs, parseDuration, parseOssUrl, requirePositionals, UsageError } from '../args.js';
import { withClient, type CommandContext } from '../command.js';
import { CONNECTION_OPTIONS, defaultStateDir, resolveClientSettings, secretValues } from '../config.js';
import { removeCheckpointsOf } from '../local-checkpoints.js';
import { formatAge, formatTable } from '../format.js';
import { HELP } from '../help.js';
import { Output } from '../output.js';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  'older-than': { type: 'string' },
  abort: { type: 'boolean' },
  'checkpoint-dir': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface ListedUpload extends MultipartUploadInfo {
  /** Set with --abort: whether this upload was aborted (or was already gone). */
  aborted?: boolean;
}

export async function runUploads(argv: string[], { io }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('uploads', argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP.uploads);
    return 0;
  }
  const [url] = requirePositionals('uploads', positionals, ['oss://bucket[/prefix]']);
  const { bucket, key: prefix } = parseOssUrl(url!);
  const olderThanMs = values['older-than'] === undefined ? undefined : parseDuration(values['older-than'], '--older-than');
  if (values.abort && olderThanMs === undefined) {
    throw new UsageError('--abort needs --older-than (use --older-than 0s to abort every listed upload)', 'uploads');
  }
  const settings = resolveClientSettings(values, io.env, 'uploads');
  const output = new Output(io, values, secretValues(io.env));
  const checkpointDir = values['checkpoint-dir'] ?? defaultStateDir(io.env);

  return withClient(settings, async (client) => {
    const now = Date.now();
    const all = await client.listAllMultipartUploads({ bucket, prefix: prefix || undefined });
    const listed: ListedUpload[] = olderThanMs === undefined ? all : all.filter((u) => isOlderThan(u, olderThanMs, now));
    let failures = 0;
    if (values.abort) {
      for (const upload of listed) {
        try {
          await client.abortMultipartUpload({ bucket, key: upload.key, uploadId: upload.uploadId });
          upload.aborted = true;
        } catch (error) {
          // Gone already (completed or aborted elsewhere) is the outcome we wanted.
          if (error instanceof OssServiceError && error.code === 'NoSuchUpload') {
            upload.aborted = true;
            continue;
          }
          upload.aborted = false;
          failures++;
          output.warn(`could not abort ${upload.key} (${upload.uploadId}): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    const aborted = listed.filter((u) => u.aborted).length;
    const uploadIds = new Set(listed.filter((u) => u.aborted).map((u) => u.uploadId));
    const removed = await removeCheckpointsOf(checkpointDir, { endpoint: client.endpoint, bucket, uploadIds });
    for (const path of removed) output.note(`removed the local checkpoint ${path}`);
    output.result(renderTable(listed, now, values.abort === true, all.length, aborted), {
      bucket,
      prefix,
      uploads: listed,
      aborted,
      ...(values.abort ? { checkpointsRemoved: removed.length } : {}),
    });
    return failures > 0 ? 1 : 0;
  });
}

/** Uploads whose Initiated time cannot be read are never treated as old: aborting is irreversible. */
function isOlderThan(upload: MultipartUploadInfo, ageMs: number, now: number): boolean {
  const initiated = Date.parse(upload.initiated);
  return Number.isFinite(initiated) && now - initiated >= ageMs;
}

function renderTable(uploads: ListedUpload[], now: number, aborting: boolean, total: number, aborted: number): string {
  const summary = aborting
    ? `aborted ${aborted} of ${uploads.length} matching upload(s) (${total} unfinished in total)`
    : `${uploads.length} unfinished upload(s)`;
  if (uploads.length === 0) return summary;
  const rows = uploads.map((u) => [u.key, u.uploadId, `${u.initiated} (${formatAge(now - Date.parse(u.initiated))})`]);
  return [formatTable(['KEY', 'UPLOAD ID', 'INITIATED'], rows), summary].join('\n');
}
