// UploadPart: PUT /<key>?partNumber=N&uploadId=ID with Content-MD5. Idempotent per part
// number, so the transport may resend it; the returned ETag must be the MD5 we sent.
import { OssInvalidArgumentError } from '../errors.js';
import type { HttpTransport } from '../transport/http.js';
import { bodyMd5Base64 } from './body-md5.js';
import { etagMatchingMd5 } from './etag-check.js';
import type { UploadPartInput, UploadPartResult } from './types.js';

export const MAX_PART_NUMBER = 10_000;

export async function uploadPart(transport: HttpTransport, bucket: string, input: UploadPartInput): Promise<UploadPartResult> {
  const { partNumber } = input;
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new OssInvalidArgumentError('partNumber', `${partNumber} is outside 1..${MAX_PART_NUMBER}`);
  }
  if (!input.uploadId) throw new OssInvalidArgumentError('uploadId', 'an upload id from InitiateMultipartUpload is required');
  const contentMd5 = input.contentMd5 ?? (await bodyMd5Base64(input.body, input.signal));
  const response = await transport.send({
    operation: 'UploadPart',
    method: 'PUT',
    bucket,
    key: input.key,
    query: { partNumber: String(partNumber), uploadId: input.uploadId },
    headers: { 'content-md5': contentMd5 },
    body: input.body,
    signal: input.signal,
    responseType: 'none',
    onBodyProgress: input.onBodyProgress,
    onRetry: input.onRetry,
  });
  const etag = etagMatchingMd5(`part ${partNumber} ETag`, response.headers['etag'], contentMd5);
  return { partNumber, etag, contentMd5, crc64: response.headers['x-oss-hash-crc64ecma'], requestId: response.requestId };
}
