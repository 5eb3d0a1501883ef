// CompleteMultipartUpload: POST /<key>?uploadId=ID with the part list (or x-oss-complete-all).
import { OssInvalidArgumentError } from '../errors.js';
import type { HttpTransport } from '../transport/http.js';
import { md5OfBytes } from '../hash/md5.js';
import { decodeCompleteMultipartUploadResult } from '../xml/decode.js';
import { encodeCompleteMultipartUpload } from '../xml/encode.js';
import { callbackHeaders, callbackOutcome } from './callback.js';
import type { CompleteMultipartUploadInput, CompleteMultipartUploadResult } from './types.js';

export async function completeMultipartUpload(
  transport: HttpTransport,
  bucket: string,
  input: CompleteMultipartUploadInput,
): Promise<CompleteMultipartUploadResult> {
  const headers: Record<string, string> = { ...lower(input.headers), ...callbackHeaders(input.callback) };
  let body: Uint8Array | undefined;
  if (input.completeAll) {
    if (input.parts?.length) throw new OssInvalidArgumentError('parts', 'give either `parts` or `completeAll`, not both');
    headers['x-oss-complete-all'] = 'yes';
  } else {
    if (!input.parts?.length) throw new OssInvalidArgumentError('parts', 'at least one part is required (or set `completeAll`)');
    body = Buffer.from(encodeCompleteMultipartUpload(input.parts));
    headers['content-type'] = 'application/xml';
    headers['content-md5'] = (await md5OfBytes(body)).base64;
  }
  const response = await transport.send({
    operation: 'CompleteMultipartUpload',
    method: 'POST',
    bucket,
    key: input.key,
    query: { uploadId: input.uploadId, 'encoding-type': 'url' },
    headers,
    body,
    signal: input.signal,
    onRetry: input.onRetry,
    responseType: 'text',
    // With a callback the body is the callback server's answer, whatever it looks like.
    errorIn2xx: !input.callback,
  });
  const etag = response.headers['etag'];
  const crc64 = response.headers['x-oss-hash-crc64ecma'];
  if (input.callback) {
    return { bucket, key: input.key, etag: etag ?? '', location: undefined, crc64, requestId: response.requestId, ...callbackOutcome(response, 'CompleteMultipartUpload') };
  }
  const decoded = decodeCompleteMultipartUploadResult(response.text);
  return {
    bucket: decoded.bucket,
    key: decoded.key,
    etag: decoded.etag || etag || '',
    location: decoded.location,
    crc64,
    requestId: response.requestId,
  };
}

function lower(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}
