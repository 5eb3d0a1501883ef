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
  /**
   * `fileChange`: how the file's identity (mtime, inode, ctime) differs from the checkpoint's, if
   * it does; its size is the same. The upload can still be resumed, with every part re-verified.
   */
  | { trusted: true; checkpoint: Checkpoint; fileChange: string | undefined }
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
  // A new size means a new part plan: nothing recorded can be matched to it. Any other change is
  // survivable, because a part is kept only once its bytes are re-read and found on the server.
  if (checkpoint.file.size !== expected.file.size) return distrust(`the file changed since it was written: ${describeFileChange(checkpoint.file, expected.file)}`);
  if (checkpoint.partSize !== expected.partSize) return distrust(`it was made with part size ${checkpoint.partSize}, this run uses ${expected.partSize}`);
  if (checkpoint.optionsDigest !== expected.optionsDigest) return distrust('the headers, metadata or callback differ from this run\'s');
  for (const part of checkpoint.parts) {
    const planned = plan.parts[part.partNumber - 1];
    if (!planned || planned.size !== part.size) return distrust(`its part ${part.partNumber} does not fit the file's part plan`);
  }
  const fileChange = sameFileIdentity(checkpoint.file, expected.file) ? undefined : describeFileChange(checkpoint.file, expected.file);
  return { trusted: true, checkpoint, fileChange };
}

export interface PartReconciliation {
  /** Recorded locally and confirmed by the server: kept without reading the file. */
  kept: CheckpointPart[];
  /** Still to do, in part order: sent, or kept once verified if it is in `onServer`. */
  pending: PlannedPart[];
  /**
   * Parts the server holds with the planned size that are not kept yet: each is kept only if the
   * file's bytes for it hash to the server's ETag when it is read, else it is re-sent.
   */
  onServer: Map<number, PartInfo>;
}

/**
 * Which parts the server holds may be kept. With `trustRecorded` (resumeCheck 'identity' and an
 * unchanged file) a part the checkpoint records and the server lists with the same size and ETag
 * (and CRC-64 when both know one) is kept unread. Otherwise nothing is kept unread: every part the
 * server holds with the planned size waits in `onServer` for its bytes to be re-read and compared,
 * so a file changed behind an unchanged identity, or a forged part list, cannot put bytes that are
 * not the file's into the object. Everything else is (re-)sent; gaps are fine.
 */
export function reconcileParts(plan: PartPlan, recorded: CheckpointPart[], serverParts: PartInfo[], trustRecorded: boolean): PartReconciliation {
  const listed = new Map(serverParts.map((p) => [p.partNumber, p]));
  const byNumber = new Map(recorded.map((p) => [p.partNumber, p]));
  const kept: CheckpointPart[] = [];
  const pending: PlannedPart[] = [];
  const onServer = new Map<number, PartInfo>();
  for (const planned of plan.parts) {
    const server = listed.get(planned.partNumber);
    const local = byNumber.get(planned.partNumber);
    if (server && server.size === planned.size) {
      if (trustRecorded && local && serverHasRecordedPart(server, local)) {
        kept.push({ ...local, etag: server.etag });
        continue;
      }
      onServer.set(planned.partNumber, server);
    }
    pending.push(planned);
  }
  return { kept, pending, onServer };
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
