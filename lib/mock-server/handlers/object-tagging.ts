// Object tagging: PutObjectTagging / GetObjectTagging / DeleteObjectTagging (?tagging), and the
// x-oss-tagging header (a=1&b=2, URL-encoded) that PutObject, InitiateMultipartUpload and
// CopyObject (with x-oss-tagging-directive Replace) take. OSS's limits: at most 10 tags, keys
// 1-128 bytes, values up to 256 bytes, letters, digits, spaces and + - = . _ : / only.
import type { RequestContext } from '../context.js';
import { MockOssError } from '../mock-error.js';
import { el, send, sendXml, xmlDocument } from '../responses.js';
import { parseQuery } from '../routing.js';
import { requireObjectRecord, updateObject } from './object-update.js';
import { parseRequestXml, readSmallBody } from './request-xml.js';

export const MAX_TAGS = 10;
const MAX_TAG_KEY_BYTES = 128;
const MAX_TAG_VALUE_BYTES = 256;
const TAG_CHARACTERS = /^[\p{L}\p{N} +\-=._:/]*$/u;

const invalidTag = (message: string): MockOssError => new MockOssError(400, 'InvalidTag', message);

/** Checks a tag set against OSS's limits; returns it. */
export function checkTags(entries: Array<[string, string]>): Record<string, string> {
  if (entries.length > MAX_TAGS) throw new MockOssError(400, 'BadRequest', `An object can have at most ${MAX_TAGS} tags; this request sets ${entries.length}.`);
  const tags: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (key === '' || Buffer.byteLength(key) > MAX_TAG_KEY_BYTES) throw invalidTag(`The tag key ${JSON.stringify(key.slice(0, 32))} must be 1 to ${MAX_TAG_KEY_BYTES} bytes long.`);
    if (Buffer.byteLength(value) > MAX_TAG_VALUE_BYTES) throw invalidTag(`The value of tag ${JSON.stringify(key)} is longer than ${MAX_TAG_VALUE_BYTES} bytes.`);
    if (!TAG_CHARACTERS.test(key) || !TAG_CHARACTERS.test(value)) {
      throw invalidTag(`The tag ${JSON.stringify(key)} may only contain letters, digits, spaces and + - = . _ : /.`);
    }
    if (Object.hasOwn(tags, key)) throw invalidTag(`The tag key ${JSON.stringify(key)} appears more than once.`);
    tags[key] = value;
  }
  return tags;
}

/** The x-oss-tagging header's tags; undefined when the request has none. */
export function tagsFromHeader(headers: Record<string, string>): Record<string, string> | undefined {
  const header = headers['x-oss-tagging'];
  if (header === undefined) return undefined;
  let parsed: Record<string, string>;
  try {
    parsed = parseQuery(header);
  } catch {
    throw invalidTag('The x-oss-tagging header is not a URL-encoded query string (key1=value1&key2=value2).');
  }
  return checkTags(Object.entries(parsed));
}

/** x-oss-tagging-count on GET and HEAD, when the object has tags. */
export function taggingCountHeader(tags: Record<string, string> | undefined): Record<string, number> {
  const count = Object.keys(tags ?? {}).length;
  return count > 0 ? { 'x-oss-tagging-count': count } : {};
}

export async function putObjectTagging(ctx: RequestContext): Promise<void> {
  requireObjectRecord(ctx);
  const xml = await readSmallBody(ctx);
  if (xml === undefined) throw new MockOssError(400, 'MalformedXML', 'PutObjectTagging needs a <Tagging> document in the body.');
  const entries = parseRequestXml(xml, 'Tagging', (root) => {
    const [tagSet, ...more] = root.children('TagSet');
    if (!tagSet || more.length > 0) root.fail('<Tagging> must hold one <TagSet>');
    return tagSet.children('Tag').map((tag): [string, string] => [tag.text('Key'), tag.optionalText('Value') ?? '']);
  });
  const tags = checkTags(entries);
  await updateObject(ctx, (record) => ({ ...record, tags }));
  await send(ctx, 200, {});
}

export async function getObjectTagging(ctx: RequestContext): Promise<void> {
  const record = requireObjectRecord(ctx);
  const tags = Object.entries(record.tags ?? {}).map(([key, value]) => `<Tag>${el('Key', key)}${el('Value', value)}</Tag>`);
  await sendXml(ctx, 200, xmlDocument('Tagging', [`<TagSet>${tags.join('')}</TagSet>`]));
}

export async function deleteObjectTagging(ctx: RequestContext): Promise<void> {
  await updateObject(ctx, (record) => ({ ...record, tags: undefined }));
  await send(ctx, 204, {});
}
