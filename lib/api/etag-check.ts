// PutObject and UploadPart answer with the ETag of the bytes OSS stored, which for these two is
// their MD5: it must equal the Content-MD5 that was sent, or the data changed on the way.
import { OssChecksumError } from '../errors.js';
import { md5Base64ToEtag, normalizeEtag } from '../hash/md5.js';

/** The response's ETag, checked against `contentMd5` (base64); throws OssChecksumError naming `what` on a mismatch. */
export function etagMatchingMd5(what: string, etag: string | undefined, contentMd5: string): string {
  const expected = md5Base64ToEtag(contentMd5);
  const actual = etag ?? '';
  if (normalizeEtag(actual) !== normalizeEtag(expected)) throw new OssChecksumError(what, expected, actual || '(none)');
  return actual;
}
