// `oss-resumable abort oss://bucket/key --upload-id ID`: abort one multipart upload and free its parts.
import { parseCommandArgs, parseObjectUrl, requirePositionals, UsageError } from '../args.js';
import { withClient, type CommandContext } from '../command.js';
import { CONNECTION_OPTIONS, defaultStateDir, resolveClientSettings, secretValues } from '../config.js';
import { removeCheckpointsOf } from '../local-checkpoints.js';
import { HELP } from '../help.js';
import { Output } from '../output.js';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  'upload-id': { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runAbort(argv: string[], { io }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('abort', argv, OPTIONS);
  if (values.help) {
    io.stdout.write(HELP.abort);
    return 0;
  }
  const [url] = requirePositionals('abort', positionals, ['oss://bucket/key']);
  const { bucket, key } = parseObjectUrl(url!);
  const uploadId = values['upload-id'];
  if (!uploadId) throw new UsageError('--upload-id is required (see `oss-resumable uploads` for the ids)', 'abort');
  const settings = resolveClientSettings(values, io.env, 'abort');
  const output = new Output(io, values, secretValues(io.env));
  const checkpointDir = values['checkpoint-dir'] ?? defaultStateDir(io.env);

  return withClient(settings, async (client) => {
    const { requestId } = await client.abortMultipartUpload({ bucket, key, uploadId });
    const removed = await removeCheckpointsOf(checkpointDir, { endpoint: client.endpoint, bucket, uploadIds: new Set([uploadId]) });
    for (const path of removed) output.note(`removed its local checkpoint ${path}`);
    output.result(`aborted upload ${uploadId} of oss://${bucket}/${key}`, { bucket, key, uploadId, aborted: true, requestId, checkpointsRemoved: removed.length });
    return 0;
  });
}
