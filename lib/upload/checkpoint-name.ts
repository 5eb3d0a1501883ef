// One checkpoint per (endpoint, bucket, key, absolute file path), named by a hash of those so
// the name is filesystem-safe and reveals nothing about the target.
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** What a checkpoint belongs to: one endpoint, bucket, key and local file. */
export interface CheckpointTarget {
  endpoint: string;
  bucket: string;
  key: string;
  /** Absolute path of the local file. */
  filePath: string;
}

/** The files of one upload's checkpoint. */
export interface CheckpointPaths {
  /** The checkpoint (JSON, mode 0600, no secrets). */
  checkpoint: string;
  /** The pid lock held while a run drives the upload. */
  lock: string;
}

/** The checkpoint and lock file paths in `dir` for one upload target (named by a hash of it). */
export function checkpointPaths(dir: string, target: CheckpointTarget): CheckpointPaths {
  // JSON array: unambiguous separation of the fields whatever characters they contain.
  const identity = JSON.stringify([target.endpoint, target.bucket, target.key, target.filePath]);
  const name = createHash('sha256').update(identity).digest('hex').slice(0, 40);
  return { checkpoint: join(dir, `${name}.checkpoint.json`), lock: join(dir, `${name}.lock`) };
}
