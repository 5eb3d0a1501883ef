// ListParts: GET /<key>?uploadId=ID, paged by max-parts / part-number-marker.
import type { RequestContext } from '../context.js';
import { invalidArgument } from '../mock-error.js';
import { el, maybeUrlEncode, sendXml, xmlDocument } from '../responses.js';
import { isoMs, requireUpload } from './uploads.js';

export const MAX_LIST_ENTRIES = 1000;

/** A page-size parameter: default and cap 1000; InvalidArgument when not a positive integer. */
export function parsePageSize(query: Record<string, string>, name: string, fallback = MAX_LIST_ENTRIES): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw invalidArgument(name, raw, `${name} must be an integer from 1 to ${MAX_LIST_ENTRIES}.`);
  return Math.min(Number(raw), MAX_LIST_ENTRIES);
}

export async function listParts(ctx: RequestContext): Promise<void> {
  const upload = requireUpload(ctx);
  const maxParts = parsePageSize(ctx.query, 'max-parts');
  const rawMarker = ctx.query['part-number-marker'] ?? '';
  if (rawMarker !== '' && !/^\d+$/.test(rawMarker)) throw invalidArgument('part-number-marker', rawMarker, 'part-number-marker must be a non-negative integer.');
  const marker = rawMarker === '' ? 0 : Number(rawMarker);

  const remaining = [...upload.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = remaining.slice(0, maxParts);
  const isTruncated = remaining.length > page.length;
  const next = page.length > 0 ? page[page.length - 1]!.partNumber : marker;

  const children = [
    el('Bucket', upload.bucket),
    el('Key', maybeUrlEncode(ctx, upload.key)),
    el('UploadId', upload.uploadId),
    el('StorageClass', upload.headers['x-oss-storage-class'] ?? 'Standard'),
    el('PartNumberMarker', marker),
    el('NextPartNumberMarker', next),
    el('MaxParts', maxParts),
    el('IsTruncated', isTruncated),
    ...page.map(
      (part) =>
        `<Part>${el('PartNumber', part.partNumber)}${el('LastModified', isoMs(part.lastModified))}${el('ETag', `"${part.md5Hex}"`)}${el('HashCrc64ecma', part.crc64)}${el('Size', part.size)}</Part>`,
    ),
  ];
  if (ctx.query['encoding-type'] === 'url') children.unshift(el('EncodingType', 'url'));
  await sendXml(ctx, 200, xmlDocument('ListPartsResult', children));
}
