// ListParts: GET /<key>?uploadId=ID, paged by part-number-marker (at most 1000 a page).
import type { HttpTransport } from '../transport/http.js';
import { decodeListPartsResult } from '../xml/decode.js';
import type { ListPartsInput, ListPartsResult, PartInfo } from './types.js';

export async function listParts(transport: HttpTransport, bucket: string, input: ListPartsInput): Promise<ListPartsResult> {
  const query: Record<string, string> = { uploadId: input.uploadId, 'encoding-type': 'url' };
  if (input.maxParts !== undefined) query['max-parts'] = String(input.maxParts);
  if (input.partNumberMarker !== undefined) query['part-number-marker'] = String(input.partNumberMarker);
  const response = await transport.send({
    operation: 'ListParts',
    method: 'GET',
    bucket,
    key: input.key,
    query,
    signal: input.signal,
    onRetry: input.onRetry,
    responseType: 'text',
  });
  return { ...decodeListPartsResult(response.text), requestId: response.requestId };
}

/** Every part of the upload, walking all pages. */
export async function listAllParts(transport: HttpTransport, bucket: string, input: Omit<ListPartsInput, 'partNumberMarker'>): Promise<PartInfo[]> {
  const parts: PartInfo[] = [];
  let marker: number | undefined;
  for (;;) {
    const page = await listParts(transport, bucket, { ...input, partNumberMarker: marker });
    parts.push(...page.parts);
    if (!page.isTruncated) return parts;
    // A truncated page must move the marker forward, or a faulty server would loop us forever.
    const next = page.nextPartNumberMarker ?? page.parts.at(-1)?.partNumber;
    if (next === undefined || (marker !== undefined && next <= marker)) return parts;
    marker = next;
  }
}
