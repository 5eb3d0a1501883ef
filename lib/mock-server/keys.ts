// Bucket and object-key rules, and the on-disk names derived from them. Keys never become
// paths: an object's files are named by a hash of its key, so no key can reach outside dataDir.
import { createHash } from 'node:crypto';
import { OssInvalidArgumentError } from '../errors.js';
import { validateBucketName, validateObjectKey } from '../validate.js';
import { MockOssError } from './mock-error.js';

export function checkBucketName(bucket: string): void {
  try {
    validateBucketName(bucket);
  } catch (error) {
    if (!(error instanceof OssInvalidArgumentError)) throw error;
    throw new MockOssError(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket }, '0015-00000001');
  }
}

export function checkObjectKey(key: string): void {
  let reason: string | undefined;
  try {
    validateObjectKey(key);
    if (climbsAboveRoot(key)) reason = 'the key has ".." segments that climb above its root';
    // Listings and errors carry keys in XML 1.0, which cannot hold these noncharacters.
    else if (/[\uFFFE\uFFFF]/.test(key)) reason = 'the key contains U+FFFE or U+FFFF';
  } catch (error) {
    if (!(error instanceof OssInvalidArgumentError)) throw error;
    reason = error.message;
  }
  if (reason) throw new MockOssError(400, 'InvalidObjectName', `The specified object is not valid: ${reason}.`, {}, '0016-00000005');
}

/** `../x`, `a/../../x`, `a\..\..\x`: keys that a naive file store would resolve outside its directory. */
function climbsAboveRoot(key: string): boolean {
  let depth = 0;
  for (const segment of key.split(/[/\\]/)) {
    if (segment === '..') depth--;
    else if (segment !== '' && segment !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

/** Upload IDs are 32 upper-case hex characters; anything else cannot name an upload. */
export function isUploadIdShape(uploadId: string): boolean {
  return /^[0-9A-F]{32}$/.test(uploadId);
}

/** File-name stem for an object key: fixed length, only hex, identical for identical keys. */
export function keyFileStem(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
