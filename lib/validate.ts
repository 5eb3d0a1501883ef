// Checks on names the caller gives, done before any request so bad input never reaches the server.
import { OssInvalidArgumentError } from './errors.js';

const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** 3-63 characters, lower-case letters, digits and '-', starting and ending with a letter or digit. */
export function validateBucketName(bucket: unknown): string {
  if (typeof bucket !== 'string' || !BUCKET.test(bucket)) {
    throw new OssInvalidArgumentError(
      'bucket',
      `${JSON.stringify(bucket)} is not a valid bucket name; use 3-63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return bucket;
}

/** UTF-8, 1-1023 bytes, not starting with '/' or '\', no NUL or other control characters. */
export function validateObjectKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new OssInvalidArgumentError('key', 'the object key is empty; give a key such as "backups/data.bin"');
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > 1023) throw new OssInvalidArgumentError('key', `the object key is ${bytes} bytes long; OSS allows at most 1023 bytes`);
  if (key.startsWith('/') || key.startsWith('\\')) {
    throw new OssInvalidArgumentError('key', `${JSON.stringify(key)} starts with '${key[0]}'; OSS keys must not; drop the leading slash`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new OssInvalidArgumentError('key', 'the object key contains control characters (e.g. NUL or a newline); remove them');
  if (!isWellFormedUtf16(key)) throw new OssInvalidArgumentError('key', 'the object key contains an unpaired surrogate and is not valid UTF-8');
  return key;
}

function isWellFormedUtf16(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}
