// InitiateMultipartUpload: POST /<key>?uploads. The headers given here become the object's metadata.
import type { HttpTransport } from '../transport/http.js';
import { decodeInitiateMultipartUploadResult } from '../xml/decode.js';
import { objectHeaders } from './object-headers.js';
import type { InitiateMultipartUploadInput, InitiateMultipartUploadResult } from './types.js';

export async function initiateMultipartUpload(
  transport: HttpTransport,
  bucket: string,
  input: InitiateMultipartUploadInput,
): Promise<InitiateMultipartUploadResult> {
  const response = await transport.send({
    operation: 'InitiateMultipartUpload',
    method: 'POST',
    bucket,
    key: input.key,
    query: { uploads: '', 'encoding-type': 'url' },
    headers: objectHeaders(input),
    signal: input.signal,
    onRetry: input.onRetry,
    responseType: 'text',
  });
  const result = decodeInitiateMultipartUploadResult(response.text);
  return { bucket: result.bucket, key: result.key, uploadId: result.uploadId, requestId: response.requestId };
}
