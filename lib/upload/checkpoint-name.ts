// One checkpoint per (endpoint, bucket, key, absolute file path), named by a hash of those so
// the name is filesystem-safe and reveals nothing about the target.
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export interface CheckpointTarget {
  endpoint: string;
  bucket: string;
  key: string;
  /** Absolute path of the local file. */
  filePath: string;
}

export interface CheckpointPaths {
  checkpoint: string;
  lock: string;
}

export function checkpointPaths(dir: string, target: CheckpointTarget): CheckpointPaths {
  // JSON array: unambiguous separation of the fields whatever characters they contain.
  const identity = JSON.stringify([target.endpoint, target.bucket, target.key, target.filePath]);
  const name = createHash('sha256').update(identity).digest('hex').slice(0, 40);
  return { checkpoint: join(dir, `${name}.checkpoint.json`), lock: join(dir, `${name}.lock`) };
}
