// PutObject: PUT /<key> with Content-MD5; the engine uses it for files that fit in one part.
import type { HttpTransport } from '../transport/http.js';
import { bodyMd5Base64 } from './body-md5.js';
import { callbackHeaders, callbackOutcome } from './callback.js';
import { etagMatchingMd5 } from './etag-check.js';
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
  const etag = etagMatchingMd5('object ETag', response.headers['etag'], contentMd5);
  const result: PutObjectResult = { etag, contentMd5, crc64: response.headers['x-oss-hash-crc64ecma'], requestId: response.requestId };
  return input.callback ? { ...result, ...callbackOutcome(response, 'PutObject') } : result;
}
