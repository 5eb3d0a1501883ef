// AbortMultipartUpload: DELETE /<key>?uploadId=ID (204). Frees every stored part.
import type { HttpTransport } from '../transport/http.js';
import type { AbortMultipartUploadInput, ResponseInfo } from './types.js';

export async function abortMultipartUpload(transport: HttpTransport, bucket: string, input: AbortMultipartUploadInput): Promise<ResponseInfo> {
  const response = await transport.send({
    operation: 'AbortMultipartUpload',
    method: 'DELETE',
    bucket,
    key: input.key,
    query: { uploadId: input.uploadId },
    signal: input.signal,
    onRetry: input.onRetry,
    responseType: 'none',
  });
  return { requestId: response.requestId };
}
