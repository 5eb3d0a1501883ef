// One multipart upload id as this run drives it: the parts done, the parts still to send, and the
// checkpoint writer that records them.
import type { PartInfo } from '../api/types.js';
import type { CheckpointPart, CheckpointWriter } from './checkpoint.js';
import type { PlannedPart } from './plan.js';

export interface Session {
  uploadId: string;
  createdAt: string;
  done: Map<number, CheckpointPart>;
  pending: PlannedPart[];
  /** Parts the server holds that are not kept yet: kept once the file's bytes hash to the server's ETag. */
  onServer: Map<number, PartInfo>;
  partsReused: number;
  bytesSent: number;
  writer: CheckpointWriter | undefined;
}

/** Finished parts in part-number order (the order of Complete and of the checkpoint). */
export function sortedParts(parts: Iterable<CheckpointPart>): CheckpointPart[] {
  return [...parts].sort((a, b) => a.partNumber - b.partNumber);
}
