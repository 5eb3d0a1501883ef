// ListMultipartUploads: GET /?uploads on a bucket. Sorted by key, then upload ID, as OSS does;
// paged by key-marker / upload-id-marker / max-uploads, with prefix and delimiter.
import type { RequestContext } from '../context.js';
import { el, maybeUrlEncode, sendXml, xmlDocument } from '../responses.js';
import type { UploadRecord } from '../store.js';
import { parsePageSize } from './list-parts.js';
import { compareKeys, listPage } from './listing.js';
import { isoMs } from './uploads.js';

export async function listMultipartUploads(ctx: RequestContext): Promise<void> {
  const bucket = ctx.bucket!;
  const q = ctx.query;
  const prefix = q['prefix'] ?? '';
  const delimiter = q['delimiter'] ?? '';
  const keyMarker = q['key-marker'] ?? '';
  // As on S3, upload-id-marker means nothing without key-marker.
  const uploadIdMarker = keyMarker ? (q['upload-id-marker'] ?? '') : '';
  const maxUploads = parsePageSize(q, 'max-uploads');

  const sorted = ctx.server.store
    .uploads(bucket)
    .sort((a, b) => compareKeys(a.key, b.key) || compareKeys(a.uploadId, b.uploadId));
  // The marker's key: only upload IDs greater than upload-id-marker (none without one).
  const afterMarker = (upload: UploadRecord): boolean => {
    const order = compareKeys(upload.key, keyMarker);
    if (order !== 0 || !keyMarker) return order > 0 || !keyMarker;
    return uploadIdMarker !== '' && compareKeys(upload.uploadId, uploadIdMarker) > 0;
  };
  const page = listPage(sorted, {
    prefix,
    delimiter,
    maxEntries: maxUploads,
    keyOf: (u) => u.key,
    itemAfterMarker: afterMarker,
    prefixAfterMarker: (p) => !keyMarker || compareKeys(p, keyMarker) > 0,
  });

  const last = page.last;
  const nextKeyMarker = last === undefined ? '' : 'prefix' in last ? last.prefix : last.item.key;
  const nextUploadIdMarker = last !== undefined && 'item' in last ? last.item.uploadId : '';
  const encode = (value: string): string => maybeUrlEncode(ctx, value);
  const children = [
    el('Bucket', bucket),
    el('KeyMarker', encode(keyMarker)),
    el('UploadIdMarker', uploadIdMarker),
    el('NextKeyMarker', encode(nextKeyMarker)),
    el('NextUploadIdMarker', nextUploadIdMarker),
    el('Delimiter', encode(delimiter)),
    el('Prefix', encode(prefix)),
    el('MaxUploads', maxUploads),
    el('IsTruncated', page.isTruncated),
    ...page.items.map((u) => `<Upload>${el('Key', encode(u.key))}${el('UploadId', u.uploadId)}${el('StorageClass', u.headers['x-oss-storage-class'] ?? 'Standard')}${el('Initiated', isoMs(u.initiated))}</Upload>`),
    ...page.commonPrefixes.map((p) => `<CommonPrefixes>${el('Prefix', encode(p))}</CommonPrefixes>`),
  ];
  if (q['encoding-type'] === 'url') children.unshift(el('EncodingType', 'url'));
  await sendXml(ctx, 200, xmlDocument('ListMultipartUploadsResult', children));
}
