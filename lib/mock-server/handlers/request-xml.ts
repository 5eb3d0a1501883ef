// Small XML request documents (tagging, restore, bucket configuration, delete lists): read whole,
// checked against Content-MD5 when given, parsed by the hardened parser; anything unreadable is
// MalformedXML, as OSS answers.
import { OssXmlError } from '../../errors.js';
import { md5OfBytes } from '../../hash/md5.js';
import { parseXml, type XmlParseOptions } from '../../xml/parser.js';
import { XmlFields } from '../../xml/fields.js';
import type { RequestContext } from '../context.js';
import { malformedXml } from '../mock-error.js';
import { checkMd5, expectedMd5Hex } from './content-md5.js';

export const MAX_SMALL_XML_BYTES = 64 * 1024;

/** The request body's text; undefined when it is empty. */
export async function readSmallBody(ctx: RequestContext, maxBytes = MAX_SMALL_XML_BYTES): Promise<string | undefined> {
  const expectedMd5 = expectedMd5Hex(ctx.headers);
  const body = await ctx.body.readSmall(maxBytes);
  if (body === undefined) throw malformedXml(`the request body is larger than ${maxBytes} bytes`);
  if (expectedMd5 !== undefined) checkMd5(ctx.headers, expectedMd5, (await md5OfBytes(body)).hex);
  return body.length === 0 ? undefined : body.toString('utf8');
}

/**
 * Parses `xml` as a `<root>` document; `read` pulls the fields out (its OssXmlErrors become
 * MalformedXML too). Documents naming keys take `allowControlCharacters`: OSS keys may hold them.
 */
export function parseRequestXml<T>(xml: string, root: string, read: (fields: XmlFields) => T, options: XmlParseOptions = {}): T {
  try {
    return read(XmlFields.root(parseXml(xml, { maxBytes: MAX_SMALL_XML_BYTES, ...options }), root));
  } catch (error) {
    if (error instanceof OssXmlError) throw malformedXml(error.message.replace(/^Invalid XML: /, ''));
    throw error;
  }
}
