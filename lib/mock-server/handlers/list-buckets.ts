// ListBuckets (GetService): GET / on the service endpoint. Every bucket, by name, filtered by
// prefix, after marker, at most max-keys (default 100, at most 1000). As OSS does, Prefix, Marker,
// MaxKeys, IsTruncated and NextMarker are only sent when the list is cut short.
import type { RequestContext } from '../context.js';
import { el, sendXml, xmlDocument } from '../responses.js';
import type { BucketSummary } from '../store.js';
import { bucketEndpoints } from './bucket-info.js';
import { parseMaxKeys } from './object-listing.js';
import { ownerXml } from './access-control.js';
import { compareKeys } from './listing.js';
import { isoMs } from './uploads.js';

function bucketXml(ctx: RequestContext, bucket: BucketSummary): string {
  const { location, extranet, intranet } = bucketEndpoints(ctx);
  return `<Bucket>${el('CreationDate', isoMs(bucket.created))}${el('ExtranetEndpoint', extranet)}${el('IntranetEndpoint', intranet)}${el('Location', location)}${el('Name', bucket.name)}${el('Region', location.replace(/^oss-/, ''))}${el('StorageClass', bucket.storageClass)}</Bucket>`;
}

export async function listBuckets(ctx: RequestContext): Promise<void> {
  const prefix = ctx.query['prefix'] ?? '';
  const marker = ctx.query['marker'] ?? '';
  const maxKeys = parseMaxKeys(ctx.query);
  const matching = ctx.server.store
    .buckets()
    .filter((b) => b.name.startsWith(prefix) && compareKeys(b.name, marker) > 0)
    .sort((a, b) => compareKeys(a.name, b.name));
  const page = matching.slice(0, maxKeys);
  const children: string[] = [];
  if (matching.length > page.length) {
    children.push(el('Prefix', prefix), el('Marker', marker), el('MaxKeys', maxKeys), el('IsTruncated', true), el('NextMarker', page.at(-1)!.name));
  }
  children.push(ownerXml(), `<Buckets>${page.map((b) => bucketXml(ctx, b)).join('')}</Buckets>`);
  await sendXml(ctx, 200, xmlDocument('ListAllMyBucketsResult', children));
}
