// PutObject: PUT /<key> with Content-MD5; the engine uses it for files that fit in one part.
import { OssChecksumError } from '../errors.js';
import type { HttpTransport } from '../transport/http.js';
import { md5Base64ToEtag, normalizeEtag } from '../hash/md5.js';
import { bodyMd5Base64 } from './body-md5.js';
import { callbackHeaders, callbackOutcome } from './callback.js';
import { objectHeaders } from './object-headers.js';
import type { PutObjectInput, PutObjectResult } from './types.js';

export async function putObject(transport: HttpTransport, bucket: string, input: PutObjectInput): Promise<PutObjectResult> {
  const contentMd5 = input.contentMd5 ?? (await bodyMd5Base64(input.body, input.signal));
  const response = await transport.send({
    operation: 'PutObject',
    method: 'PUT',
    bucket,
    key: input.key,
    headers: { ...objectHeaders(input), ...callbackHeaders(input.callback), 'content-md5': contentMd5 },
    body: input.body,
    signal: input.signal,
    responseType: input.callback ? 'text' : 'none',
    onBodyProgress: input.onBodyProgress,
    onRetry: input.onRetry,
  });
  const etag = response.headers['etag'] ?? '';
  const expected = md5Base64ToEtag(contentMd5);
  if (normalizeEtag(etag) !== normalizeEtag(expected)) throw new OssChecksumError('object ETag', expected, etag || '(none)');
  const result: PutObjectResult = { etag, contentMd5, crc64: response.headers['x-oss-hash-crc64ecma'], requestId: response.requestId };
  return input.callback ? { ...result, ...callbackOutcome(response, 'PutObject') } : result;
}
