// ListObjectsV2 (GetBucketV2): GET /?list-type=2. The V1 listing (object-listing.ts) paged by
// continuation-token instead of marker: start-after starts the first page, NextContinuationToken
// (opaque to clients: here the base64url of the key to resume after) each next one, and a token
// wins over start-after. KeyCount counts keys and common prefixes; Owner only with
// fetch-owner=true; with encoding-type=url the keys, prefixes, delimiter, start-after and tokens are
// URL-encoded.
import type { RequestContext } from '../context.js';
import { invalidArgument } from '../mock-error.js';
import { el, maybeUrlEncode, sendXml, xmlDocument } from '../responses.js';
import { commonPrefixesXml, contentsXml, lastEntryOf, listObjectPage, parseMaxKeys } from './object-listing.js';

function continuationToken(resumeAfter: string): string {
  return Buffer.from(resumeAfter, 'utf8').toString('base64url');
}

/** The key a continuation token resumes after; InvalidArgument for anything this server did not issue. */
function resumeAfter(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (token === '' || continuationToken(key) !== token) throw invalidArgument('continuation-token', token, 'The continuation token provided is incorrect.');
  return key;
}

export async function listObjectsV2(ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  if (q['list-type'] !== '2') throw invalidArgument('list-type', q['list-type']!, 'list-type must be 2.');
  const prefix = q['prefix'] ?? '';
  const delimiter = q['delimiter'] ?? '';
  const startAfter = q['start-after'];
  const token = q['continuation-token'];
  const maxKeys = parseMaxKeys(q);
  const after = token !== undefined ? resumeAfter(token) : (startAfter ?? '');
  const page = listObjectPage(ctx, { prefix, delimiter, after, maxKeys });

  const encode = (value: string): string => maybeUrlEncode(ctx, value);
  const children = [el('Name', ctx.bucket!), el('Prefix', encode(prefix))];
  if (startAfter !== undefined) children.push(el('StartAfter', encode(startAfter)));
  if (token !== undefined) children.push(el('ContinuationToken', encode(token)));
  children.push(el('MaxKeys', maxKeys), el('Delimiter', encode(delimiter)), el('IsTruncated', page.isTruncated));
  const next = lastEntryOf(page);
  if (page.isTruncated && next !== undefined) children.push(el('NextContinuationToken', encode(continuationToken(next))));
  children.push(el('KeyCount', page.items.length + page.commonPrefixes.length));
  const now = ctx.server.clock.nowMs();
  const withOwner = q['fetch-owner'] === 'true';
  children.push(...page.items.map((o) => contentsXml(o, encode, now, withOwner)), ...commonPrefixesXml(page.commonPrefixes, encode));
  if (q['encoding-type'] === 'url') children.unshift(el('EncodingType', 'url'));
  await sendXml(ctx, 200, xmlDocument('ListBucketResult', children));
}
