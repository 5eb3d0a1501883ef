// What ListObjects (V1) and ListObjectsV2 share: one page of a bucket's objects after a marker
// (V1's marker, V2's start-after or continuation token), with prefix and delimiter roll-up, and
// the <Contents> and <CommonPrefixes> elements that describe it.
import type { RequestContext } from '../context.js';
import { invalidArgument } from '../mock-error.js';
import { el } from '../responses.js';
import type { ObjectRecord } from '../store.js';
import { parsePageSize } from './list-parts.js';
import { compareKeys, listPage, type ListingPage } from './listing.js';
import { ownerXml } from './access-control.js';
import { restoreInfo, storageClassOf } from './restore-object.js';
import { isoMs } from './uploads.js';

/** max-keys: 1 to 1000, default 100. */
export function parseMaxKeys(query: Record<string, string>): number {
  const raw = query['max-keys'];
  if (raw !== undefined && raw !== '' && !/^\d+$/.test(raw)) throw invalidArgument('max-keys', raw, 'max-keys must be an integer from 1 to 1000.');
  return parsePageSize(query, 'max-keys', 100);
}

export interface ObjectPageRequest {
  prefix: string;
  delimiter: string;
  /** Only keys after this one (''): V1's marker, V2's start-after or continuation token. */
  after: string;
  maxKeys: number;
}

export function listObjectPage(ctx: RequestContext, request: ObjectPageRequest): ListingPage<ObjectRecord> {
  const { after } = request;
  const sorted = ctx.server.store.objects(ctx.bucket!).sort((a, b) => compareKeys(a.key, b.key));
  return listPage(sorted, {
    prefix: request.prefix,
    delimiter: request.delimiter,
    maxEntries: request.maxKeys,
    keyOf: (o) => o.key,
    itemAfterMarker: (o) => compareKeys(o.key, after) > 0,
    // A page that ended on a common prefix resumes past all of it; a marker inside one still lists it.
    prefixAfterMarker: (prefix, o) => prefix !== after && compareKeys(o.key, after) > 0,
  });
}

/** Where the next page starts: the last key or common prefix of this one. */
export function lastEntryOf(page: ListingPage<ObjectRecord>): string | undefined {
  const last = page.last;
  return last === undefined ? undefined : 'prefix' in last ? last.prefix : last.item.key;
}

export function contentsXml(o: ObjectRecord, encode: (value: string) => string, nowMs: number, withOwner: boolean): string {
  const restore = restoreInfo(o, nowMs);
  return `<Contents>${el('Key', encode(o.key))}${el('LastModified', isoMs(o.lastModified))}${el('ETag', o.etag)}${el('Type', o.objectType)}${el('Size', o.size)}${el('StorageClass', storageClassOf(o))}${restore === undefined ? '' : el('RestoreInfo', restore)}${withOwner ? ownerXml() : ''}</Contents>`;
}

export function commonPrefixesXml(prefixes: string[], encode: (value: string) => string): string[] {
  return prefixes.map((p) => `<CommonPrefixes>${el('Prefix', encode(p))}</CommonPrefixes>`);
}
