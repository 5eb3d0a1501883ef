// ListMultipartUploads: GET /?uploads on the bucket, paged by key-marker + upload-id-marker.
import type { HttpTransport } from '../transport/http.js';
import { decodeListMultipartUploadsResult } from '../xml/decode.js';
import type { ListMultipartUploadsInput, ListMultipartUploadsResult, MultipartUploadInfo } from './types.js';

export async function listMultipartUploads(
  transport: HttpTransport,
  bucket: string,
  input: ListMultipartUploadsInput = {},
): Promise<ListMultipartUploadsResult> {
  const query: Record<string, string> = { uploads: '', 'encoding-type': 'url' };
  if (input.prefix !== undefined) query['prefix'] = input.prefix;
  if (input.delimiter !== undefined) query['delimiter'] = input.delimiter;
  if (input.keyMarker !== undefined) query['key-marker'] = input.keyMarker;
  if (input.uploadIdMarker !== undefined) query['upload-id-marker'] = input.uploadIdMarker;
  if (input.maxUploads !== undefined) query['max-uploads'] = String(input.maxUploads);
  const response = await transport.send({
    operation: 'ListMultipartUploads',
    method: 'GET',
    bucket,
    query,
    signal: input.signal,
    onRetry: input.onRetry,
    responseType: 'text',
  });
  return { ...decodeListMultipartUploadsResult(response.text), requestId: response.requestId };
}

/** Every unfinished upload (under `prefix`), walking all pages. */
export async function listAllMultipartUploads(
  transport: HttpTransport,
  bucket: string,
  input: Omit<ListMultipartUploadsInput, 'keyMarker' | 'uploadIdMarker'> = {},
): Promise<MultipartUploadInfo[]> {
  const uploads: MultipartUploadInfo[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await listMultipartUploads(transport, bucket, { ...input, keyMarker, uploadIdMarker });
    uploads.push(...page.uploads);
    if (!page.isTruncated) return uploads;
    const last = page.uploads.at(-1);
    const nextKey = page.nextKeyMarker ?? last?.key;
    const nextId = page.nextUploadIdMarker ?? last?.uploadId;
    // Stop if the markers do not advance, rather than loop on a faulty server.
    if (nextKey === undefined || (nextKey === keyMarker && nextId === uploadIdMarker)) return uploads;
    keyMarker = nextKey;
    uploadIdMarker = nextId;
  }
}
