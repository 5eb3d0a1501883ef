// Bucket and object-key rules, and the on-disk names derived from them. Keys never become
// paths: an object's files are named by a hash of its key, so no key can reach outside dataDir.
import { createHash } from 'node:crypto';
import { OssInvalidArgumentError } from '../errors.js';
import { validateBucketName } from '../validate.js';
import { MockOssError } from './mock-error.js';

const MAX_KEY_BYTES = 1023;

export function checkBucketName(bucket: string): void {
  try {
    validateBucketName(bucket);
  } catch (error) {
    if (!(error instanceof OssInvalidArgumentError)) throw error;
    throw new MockOssError(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket }, '0015-00000001');
  }
}

/**
 * OSS's own key rules, not the client's input checks (lib/validate.ts refuses more, e.g. control
 * characters, which OSS stores: that is what `encoding-type=url` in listings is for).
 */
export function checkObjectKey(key: string): void {
  const reason = objectKeyProblem(key);
  if (reason) throw new MockOssError(400, 'InvalidObjectName', `The specified object is not valid: ${reason}.`, {}, '0016-00000005');
}

function objectKeyProblem(key: string): string | undefined {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) return `the key is ${bytes} bytes long; OSS allows at most ${MAX_KEY_BYTES}`;
  if (key.startsWith('/') || key.startsWith('\\')) return `the key starts with '${key[0]}'`;
  if (key.includes('\u0000')) return 'the key contains a NUL character';
  if (climbsAboveRoot(key)) return 'the key has ".." segments that climb above its root';
  // Noncharacters the mock keeps out of its XML (control characters it writes raw, as OSS does).
  if (/[\uFFFE\uFFFF]/.test(key)) return 'the key contains U+FFFE or U+FFFF';
  return undefined;
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
