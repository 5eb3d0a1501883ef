// The basic bucket operations: PutBucket creates a bucket (with x-oss-acl and a
// CreateBucketConfiguration body naming its StorageClass and DataRedundancyType); GetBucket
// (ListObjects, V1) lists objects, paged by marker.
import type { RequestContext } from '../context.js';
import { invalidArgument } from '../mock-error.js';
import { el, maybeUrlEncode, send, sendXml, xmlDocument } from '../responses.js';
import { DEFAULT_BUCKET_SETTINGS, type BucketSettings } from '../store.js';
import { bucketAclFrom } from './bucket-acl.js';
import { STORAGE_CLASSES } from './object-headers.js';
import { commonPrefixesXml, contentsXml, lastEntryOf, listObjectPage, parseMaxKeys } from './object-listing.js';
import { parseRequestXml, readSmallBody } from './request-xml.js';

const DATA_REDUNDANCY_TYPES = ['LRS', 'ZRS'];

async function bucketSettingsFrom(ctx: RequestContext): Promise<BucketSettings> {
  const settings = { ...DEFAULT_BUCKET_SETTINGS, acl: bucketAclFrom(ctx.headers) ?? DEFAULT_BUCKET_SETTINGS.acl };
  const xml = await readSmallBody(ctx);
  if (xml === undefined) return settings;
  const requested = parseRequestXml(xml, 'CreateBucketConfiguration', (root) => ({
    storageClass: root.optionalText('StorageClass'),
    dataRedundancyType: root.optionalText('DataRedundancyType'),
  }));
  if (requested.storageClass !== undefined) {
    if (!STORAGE_CLASSES.includes(requested.storageClass)) throw invalidArgument('StorageClass', requested.storageClass, `The storage class must be one of ${STORAGE_CLASSES.join(', ')}.`);
    settings.storageClass = requested.storageClass;
  }
  if (requested.dataRedundancyType !== undefined) {
    if (!DATA_REDUNDANCY_TYPES.includes(requested.dataRedundancyType)) {
      throw invalidArgument('DataRedundancyType', requested.dataRedundancyType, `DataRedundancyType must be ${DATA_REDUNDANCY_TYPES.join(' or ')}.`);
    }
    settings.dataRedundancyType = requested.dataRedundancyType;
  }
  return settings;
}

export async function putBucket(ctx: RequestContext): Promise<void> {
  const settings = await bucketSettingsFrom(ctx);
  await ctx.server.store.createBucket(ctx.bucket!, ctx.server.clock.nowMs(), settings);
  await send(ctx, 200, { Location: `/${ctx.bucket}` });
}

export async function listObjects(ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const prefix = q['prefix'] ?? '';
  const delimiter = q['delimiter'] ?? '';
  const marker = q['marker'] ?? '';
  const maxKeys = parseMaxKeys(q);
  const page = listObjectPage(ctx, { prefix, delimiter, after: marker, maxKeys });
  const encode = (value: string): string => maybeUrlEncode(ctx, value);
  const children = [
    el('Name', ctx.bucket!),
    el('Prefix', encode(prefix)),
    el('Marker', encode(marker)),
    el('MaxKeys', maxKeys),
    el('Delimiter', encode(delimiter)),
    el('IsTruncated', page.isTruncated),
  ];
  const next = lastEntryOf(page);
  if (page.isTruncated && next !== undefined) children.push(el('NextMarker', encode(next)));
  const now = ctx.server.clock.nowMs();
  children.push(...page.items.map((o) => contentsXml(o, encode, now, true)), ...commonPrefixesXml(page.commonPrefixes, encode));
  if (q['encoding-type'] === 'url') children.unshift(el('EncodingType', 'url'));
  await sendXml(ctx, 200, xmlDocument('ListBucketResult', children));
}
