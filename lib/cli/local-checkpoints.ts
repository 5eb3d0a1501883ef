// Local checkpoint files of uploads aborted by `abort` or `uploads --abort`: nothing can resume
// those uploads any more, so their checkpoints go too. The files are named by a hash that
// includes the local file path, which an abort does not know, so the directory is scanned.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deleteCheckpoint, readCheckpoint } from '../upload/checkpoint.js';

export interface AbortedUploads {
  /** As OssClient#endpoint, which is what checkpoints record. */
  endpoint: string;
  bucket: string;
  uploadIds: ReadonlySet<string>;
}

/** Deletes the checkpoints in `dir` that record one of `aborted`'s uploads; returns their paths. */
export async function removeCheckpointsOf(dir: string, aborted: AbortedUploads): Promise<string[]> {
  if (aborted.uploadIds.size === 0) return [];
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.checkpoint.json'))) {
    const path = join(dir, name);
    const loaded = await readCheckpoint(path).catch(() => undefined);
    // Only a readable checkpoint says whose upload it is; a damaged one is left to the next run.
    if (loaded?.state !== 'found' || !loaded.ok) continue;
    const { endpoint, bucket, uploadId } = loaded.checkpoint;
    if (endpoint !== aborted.endpoint || bucket !== aborted.bucket || !aborted.uploadIds.has(uploadId)) continue;
    await deleteCheckpoint(path);
    removed.push(path);
  }
  return removed;
}
