// Headers an object keeps from PutObject / InitiateMultipartUpload, and the ones GET/HEAD return.
import { invalidArgument } from '../mock-error.js';
import type { HeaderMap } from '../responses.js';
import type { ObjectRecord, StoredHeaders } from '../store.js';
import { objectAclFrom } from './object-acl.js';
import { taggingCountHeader, tagsFromHeader } from './object-tagging.js';
import { encryptionFrom, encryptionHeaders } from './server-side-encryption.js';

const KEPT_HEADERS = ['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'expires', 'x-oss-storage-class'];
export const STORAGE_CLASSES = ['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive'];
/** OSS caps user metadata at 8 KB (names and values together). */
const MAX_META_BYTES = 8 * 1024;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function storedHeadersFrom(headers: Record<string, string>): StoredHeaders {
  const kept: Record<string, string> = { 'content-type': DEFAULT_CONTENT_TYPE, 'x-oss-storage-class': 'Standard' };
  for (const name of KEPT_HEADERS) if (headers[name] !== undefined) kept[name] = headers[name]!;
  if (!STORAGE_CLASSES.includes(kept['x-oss-storage-class']!)) {
    throw invalidArgument('x-oss-storage-class', kept['x-oss-storage-class']!, `The storage class must be one of ${STORAGE_CLASSES.join(', ')}.`);
  }
  const meta: Record<string, string> = {};
  let metaBytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-oss-meta-')) continue;
    // Kept as received (one character per byte, as node reads headers) and sent back the same way.
    meta[name.slice('x-oss-meta-'.length)] = value;
    metaBytes += Buffer.byteLength(name, 'latin1') + Buffer.byteLength(value, 'latin1');
  }
  if (metaBytes > MAX_META_BYTES) throw invalidArgument('x-oss-meta-*', String(metaBytes), 'User metadata must not exceed 8 KB in total.');
  return { headers: kept, meta, acl: objectAclFrom(headers), tags: tagsFromHeader(headers), sse: encryptionFrom(headers) };
}

/** Just the StoredHeaders of a record (an upload's, for the object it becomes). */
export function pickStoredHeaders(from: StoredHeaders): StoredHeaders {
  return { headers: from.headers, meta: from.meta, acl: from.acl, tags: from.tags, sse: from.sse };
}

export function forbidsOverwrite(headers: Record<string, string>): boolean {
  return headers['x-oss-forbid-overwrite']?.toLowerCase() === 'true';
}

/** Everything GET and HEAD say about an object, except Content-Length and Content-Range. */
export function objectResponseHeaders(record: ObjectRecord): HeaderMap {
  const headers: HeaderMap = {
    ETag: record.etag,
    'Last-Modified': new Date(record.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
    'x-oss-object-type': record.objectType,
    'x-oss-hash-crc64ecma': record.crc64,
  };
  for (const [name, value] of Object.entries(record.headers)) headers[name] = value;
  for (const [name, value] of Object.entries(record.meta)) headers[`x-oss-meta-${name}`] = value;
  if (record.contentMd5) headers['Content-MD5'] = record.contentMd5;
  if (record.objectType === 'Appendable') headers['x-oss-next-append-position'] = record.size;
  return { ...headers, ...taggingCountHeader(record.tags), ...encryptionHeaders(record.sse) };
}
