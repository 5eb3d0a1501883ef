// This client with its defaults (part size, parallelism, MD5 per part, object CRC-64 check),
// checkpointing to a temp dir as the CLI does. --part-size/--parallel override the defaults;
// --local-crc64 turns on the per-part local CRC-64.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OssClient } from '../../dist/index.js';
import { resumableUpload } from '../../dist/upload/index.js';
import { contenderArgs, measure, runContender } from './common.mjs';

runContender(async () => {
  const args = await contenderArgs();
  const client = new OssClient({ endpoint: args.endpoint, credentials: args.credentials, bucket: args.bucket });
  const checkpointDir = await mkdtemp(join(tmpdir(), 'oss-resumable-bench-checkpoint-'));
  try {
    await measure(args.size, () =>
      resumableUpload(client, { file: args.file, key: args.key, checkpointDir, partSize: args.partSize, parallel: args.parallel, localCrc64: args.localCrc64 }).done,
    );
  } finally {
    await client.close();
    await rm(checkpointDir, { recursive: true, force: true });
  }
});
