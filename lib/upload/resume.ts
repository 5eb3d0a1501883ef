// Deciding what an earlier run left behind is worth: whether a checkpoint can be trusted at
// all, and which of the parts the server lists may be kept.
import { createHash } from 'node:crypto';
import { md5Base64ToEtag, normalizeEtag } from '../hash/md5.js';
import type { PartInfo, UploadCallback } from '../api/types.js';
import { canonicalJson, type Checkpoint, type CheckpointPart, type LoadedCheckpoint } from './checkpoint.js';
import { describeFileChange, sameFileIdentity, type FileIdentity } from './file-identity.js';
import type { CheckpointTarget } from './checkpoint-name.js';
import type { PartPlan, PlannedPart } from './plan.js';

/** What this run would write into a new checkpoint; an old one must agree on all of it. */
export interface CheckpointBinding {
  endpoint: string;
  bucket: string;
  key: string;
  filePath: string;
  file: FileIdentity;
  partSize: number;
  optionsDigest: string;
}

export type CheckpointVerdict =
  | { trusted: true; checkpoint: Checkpoint }
  /**
   * `uploadId`: the old upload to abort, if one could be read and this client can reach it.
   * `foreignOwner`: set when the checkpoint belongs to another bucket, key or file on this
   * endpoint; the upload is that target's, and its own checkpoint may still be driving it.
   */
  | { trusted: false; reason: string; uploadId: string | undefined; foreignOwner?: CheckpointTarget };

/** Digest of everything besides the file that decides the object: headers, metadata, callback. */
export function optionsDigest(objectHeaders: Record<string, string>, callback: UploadCallback | undefined): string {
  return createHash('sha256').update(canonicalJson({ headers: objectHeaders, callback: callback ?? null })).digest('hex');
}

export function judgeCheckpoint(loaded: Exclude<LoadedCheckpoint, { state: 'missing' }>, expected: CheckpointBinding, plan: PartPlan): CheckpointVerdict {
  if (!loaded.ok) return { trusted: false, reason: loaded.reason, uploadId: loaded.uploadId };
  const checkpoint = loaded.checkpoint;
  const distrust = (reason: string): CheckpointVerdict => ({ trusted: false, reason, uploadId: checkpoint.uploadId });
  if (checkpoint.endpoint !== expected.endpoint) {
    // Another endpoint's upload is out of this client's reach: it is left alone, and said so.
    return { trusted: false, reason: `it belongs to another endpoint (${JSON.stringify(checkpoint.endpoint)}), whose upload ${checkpoint.uploadId} is left alone`, uploadId: undefined };
  }
  for (const field of ['bucket', 'key', 'filePath'] as const) {
    if (checkpoint[field] !== expected[field]) {
      const { endpoint, bucket, key, filePath, uploadId } = checkpoint;
      const reason = `it belongs to another ${field === 'filePath' ? 'file' : field} (${JSON.stringify(checkpoint[field])})`;
      return { trusted: false, reason, uploadId, foreignOwner: { endpoint, bucket, key, filePath } };
    }
  }
  if (!sameFileIdentity(checkpoint.file, expected.file)) return distrust(`the file changed since it was written: ${describeFileChange(checkpoint.file, expected.file)}`);
  if (checkpoint.partSize !== expected.partSize) return distrust(`it was made with part size ${checkpoint.partSize}, this run uses ${expected.partSize}`);
  if (checkpoint.optionsDigest !== expected.optionsDigest) return distrust('the headers, metadata or callback differ from this run\'s');
  for (const part of checkpoint.parts) {
    const planned = plan.parts[part.partNumber - 1];
    if (!planned || planned.size !== part.size) return distrust(`its part ${part.partNumber} does not fit the file's part plan`);
  }
  return { trusted: true, checkpoint };
}

export interface PartReconciliation {
  /** Recorded locally and confirmed by the server: kept without reading the file. */
  kept: CheckpointPart[];
  /** Still to do, in part order. */
  pending: PlannedPart[];
  /**
   * Parts the server has but the checkpoint does not record (the run died before writing it):
   * kept only if the local range hashes to the same ETag, else re-sent.
   */
  unrecorded: Map<number, PartInfo>;
}

/**
 * A part counts as done only if the server has it with the planned size and the recorded ETag
 * (and CRC-64 when the server reports one). Everything else is re-sent; gaps are fine.
 */
export function reconcileParts(plan: PartPlan, recorded: CheckpointPart[], serverParts: PartInfo[]): PartReconciliation {
  const onServer = new Map(serverParts.map((p) => [p.partNumber, p]));
  const byNumber = new Map(recorded.map((p) => [p.partNumber, p]));
  const kept: CheckpointPart[] = [];
  const pending: PlannedPart[] = [];
  const unrecorded = new Map<number, PartInfo>();
  for (const planned of plan.parts) {
    const server = onServer.get(planned.partNumber);
    const local = byNumber.get(planned.partNumber);
    if (server && server.size === planned.size) {
      if (local && serverHasRecordedPart(server, local)) {
        kept.push({ ...local, etag: server.etag });
        continue;
      }
      if (!local) unrecorded.set(planned.partNumber, server);
    }
    pending.push(planned);
  }
  return { kept, pending, unrecorded };
}

/**
 * The server's part is the bytes we have: same size, same MD5 ETag, and the same CRC-64 when both
 * sides know one (a part hashed without `localCrc64` has no CRC of its own yet).
 */
export function serverHasRecordedPart(server: PartInfo, local: { size: number; md5: string; crc64: string | undefined }): boolean {
  return (
    server.size === local.size &&
    normalizeEtag(server.etag) === normalizeEtag(md5Base64ToEtag(local.md5)) &&
    (server.crc64 === undefined || local.crc64 === undefined || server.crc64 === local.crc64)
  );
}
