// Minimal bucket operations so general-purpose clients (ali-oss) can be pointed at the mock:
// PutBucket creates a bucket; GetBucket (ListObjects, V1) lists objects.
import type { RequestContext } from '../context.js';
import { invalidArgument } from '../mock-error.js';
import { el, maybeUrlEncode, send, sendXml, xmlDocument } from '../responses.js';
import type { ObjectRecord } from '../store.js';
import { parsePageSize } from './list-parts.js';
import { compareKeys, listPage } from './listing.js';
import { restoreInfo } from './restore-object.js';
import { isoMs } from './uploads.js';

const MOCK_OWNER = '<Owner><ID>mock-owner</ID><DisplayName>mock-owner</DisplayName></Owner>';

export async function putBucket(ctx: RequestContext): Promise<void> {
  await ctx.server.store.createBucket(ctx.bucket!, ctx.server.clock.nowMs());
  await send(ctx, 200, { Location: `/${ctx.bucket}` });
}

export async function listObjects(ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const prefix = q['prefix'] ?? '';
  const delimiter = q['delimiter'] ?? '';
  const marker = q['marker'] ?? '';
  const rawMax = q['max-keys'];
  if (rawMax !== undefined && rawMax !== '' && !/^\d+$/.test(rawMax)) throw invalidArgument('max-keys', rawMax, 'max-keys must be an integer from 1 to 1000.');
  const maxKeys = parsePageSize(q, 'max-keys', 100);

  const sorted = ctx.server.store.objects(ctx.bucket!).sort((a, b) => compareKeys(a.key, b.key));
  const page = listPage(sorted, {
    prefix,
    delimiter,
    maxEntries: maxKeys,
    keyOf: (o) => o.key,
    itemAfterMarker: (o) => compareKeys(o.key, marker) > 0,
    prefixAfterMarker: (p) => compareKeys(p, marker) > 0,
  });
  const last = page.last;
  const encode = (value: string): string => maybeUrlEncode(ctx, value);
  const children = [
    el('Name', ctx.bucket!),
    el('Prefix', encode(prefix)),
    el('Marker', encode(marker)),
    el('MaxKeys', maxKeys),
    el('Delimiter', encode(delimiter)),
    el('IsTruncated', page.isTruncated),
  ];
  if (page.isTruncated && last) children.push(el('NextMarker', encode('prefix' in last ? last.prefix : last.item.key)));
  const now = ctx.server.clock.nowMs();
  children.push(...page.items.map((o) => contents(o, encode, now)), ...page.commonPrefixes.map((p) => `<CommonPrefixes>${el('Prefix', encode(p))}</CommonPrefixes>`));
  if (q['encoding-type'] === 'url') children.unshift(el('EncodingType', 'url'));
  await sendXml(ctx, 200, xmlDocument('ListBucketResult', children));
}

function contents(o: ObjectRecord, encode: (value: string) => string, nowMs: number): string {
  const restore = restoreInfo(o, nowMs);
  return `<Contents>${el('Key', encode(o.key))}${el('LastModified', isoMs(o.lastModified))}${el('ETag', o.etag)}${el('Type', o.objectType)}${el('Size', o.size)}${el('StorageClass', o.headers['x-oss-storage-class'] ?? 'Standard')}${restore === undefined ? '' : el('RestoreInfo', restore)}${MOCK_OWNER}</Contents>`;
}
