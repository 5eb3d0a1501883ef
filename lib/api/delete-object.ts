// DeleteObject: DELETE /<key> (204). OSS answers 204 whether or not the object existed, so
// deleting twice (or a key that was never written) is not an error.
import type { HttpTransport } from '../transport/http.js';
import type { DeleteObjectInput, ResponseInfo } from './types.js';

export async function deleteObject(transport: HttpTransport, bucket: string, input: DeleteObjectInput): Promise<ResponseInfo> {
  const response = await transport.send({
    operation: 'DeleteObject',
    method: 'DELETE',
    bucket,
    key: input.key,
    signal: input.signal,
    onRetry: input.onRetry,
    responseType: 'none',
  });
  return { requestId: response.requestId };
}
