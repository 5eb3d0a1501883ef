// HeadObject and GetObject: read back what was stored (size, ETag, CRC-64, metadata, bytes).
import { OssXmlError } from '../errors.js';
import { textFromWire } from '../signer/header-bytes.js';
import type { HttpTransport } from '../transport/http.js';
import type { GetObjectInput, GetObjectResult, HeadObjectInput, HeadObjectResult } from './types.js';

export async function headObject(transport: HttpTransport, bucket: string, input: HeadObjectInput): Promise<HeadObjectResult> {
  const response = await transport.send({
    operation: 'HeadObject',
    method: 'HEAD',
    bucket,
    key: input.key,
    signal: input.signal,
    onRetry: input.onRetry,
    responseType: 'none',
  });
  return { ...objectInfo(response.headers, 'HeadObject'), requestId: response.requestId };
}

export async function getObject(transport: HttpTransport, bucket: string, input: GetObjectInput): Promise<GetObjectResult> {
  const headers: Record<string, string> = {};
  if (input.range) headers['range'] = `bytes=${input.range.start}-${input.range.end ?? ''}`;
  const response = await transport.send({
    operation: 'GetObject',
    method: 'GET',
    bucket,
    key: input.key,
    headers,
    signal: input.signal,
    onRetry: input.onRetry,
    responseType: 'stream',
  });
  return { ...objectInfo(response.headers, 'GetObject'), requestId: response.requestId, status: response.status, body: response.body! };
}

function objectInfo(headers: Record<string, string>, operation: string): Omit<HeadObjectResult, 'requestId'> {
  const size = Number(headers['content-length']);
  if (!Number.isSafeInteger(size) || size < 0) throw new OssXmlError(`${operation}: the response has no valid Content-Length`);
  const meta: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-oss-meta-')) meta[name.slice('x-oss-meta-'.length)] = textFromWire(value);
  }
  return {
    size,
    etag: headers['etag'] ?? '',
    crc64: headers['x-oss-hash-crc64ecma'],
    lastModified: headers['last-modified'],
    contentType: headers['content-type'],
    meta,
    headers,
  };
}
