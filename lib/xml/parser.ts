// Hardened XML parsing for OSS bodies. fast-xml-parser does the tokenising; this module decides what
// is acceptable first: a size cap, no DOCTYPE/ENTITY declarations (so no entity expansion, billion
// laughs or external entities), well-formedness, one root element, bounded nesting, and only the
// five predefined entities plus numeric character references. Values are always kept as strings.
import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';
import { OssXmlError } from '../errors.js';

// fast-xml-parser's CommonJS entry is one bundled file; its ES-module entry is a tree of ~40
// source modules that costs every uploading process about 8 MiB more resident memory (Node 20,
// measured with /proc/self/status). Same package, same version, same parser.
const { XMLParser, XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as typeof FastXmlParser;

/** Default cap for result and error documents; a 1000-part ListParts page is about 250 KB. */
export const DEFAULT_MAX_XML_BYTES = 1024 * 1024;
/** OSS documents are at most four levels deep; anything much deeper is garbage or an attack. */
const MAX_DEPTH = 32;
const WRAPPER = 'oss-resumable-document';

/** An element's children by local name (namespace prefixes removed); repeated names become arrays. */
export interface XmlElement {
  readonly [name: string]: XmlValue | XmlValue[];
}
/** A leaf element's text, or an element with children. */
export type XmlValue = string | XmlElement;

export interface XmlDocument {
  /** Local name of the root element. */
  rootName: string;
  root: XmlValue;
}

export interface XmlParseOptions {
  /** Reject documents larger than this many UTF-8 bytes. Default DEFAULT_MAX_XML_BYTES. */
  maxBytes?: number | undefined;
  /**
   * Accept control characters (raw or as character references) that XML 1.0 forbids, NUL and
   * U+FFFE/U+FFFF excepted. For the mock server's request bodies only: OSS keys may hold such
   * characters, and OSS reads them from the documents SDKs send (DeleteMultipleObjects' <Key>).
   */
  allowControlCharacters?: boolean | undefined;
}

const PREDEFINED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([A-Za-z_][\w.-]*));|&/g;
// Characters XML 1.0 forbids anywhere, even escaped (§2.2).
// eslint-disable-next-line no-control-regex
const ILLEGAL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const DECLARATION = /^<\?xml[ \t\r\n][^>]*\?>/;

// What allowControlCharacters still refuses.
const ILLEGAL_EVEN_LENIENTLY = /[\u0000\uFFFE\uFFFF]/;

function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

function isLenientXmlChar(codePoint: number): boolean {
  return isXmlChar(codePoint) || (codePoint >= 0x1 && codePoint <= 0x1f);
}

function decodeReferences(text: string, legal: (codePoint: number) => boolean): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (match, hex: string | undefined, decimal: string | undefined, name: string | undefined) => {
    if (name !== undefined) {
      const value = PREDEFINED_ENTITIES[name];
      if (value === undefined) throw new Error(`undefined entity &${name}; (only &amp; &lt; &gt; &quot; &apos; are allowed)`);
      return value;
    }
    if (hex === undefined && decimal === undefined) throw new Error(`a bare '&' that starts no character reference`);
    const codePoint = hex !== undefined ? parseInt(hex, 16) : parseInt(decimal!, 10);
    if (!legal(codePoint)) throw new Error(`character reference ${match} is not a legal XML character`);
    return String.fromCodePoint(codePoint);
  });
}

// fast-xml-parser's hook for text values; it never sees declared entities because DOCTYPE is refused.
const entityDecoder = (legal: (codePoint: number) => boolean) => ({
  setExternalEntities(): void {},
  addInputEntities(): void {
    throw new Error('entity declarations are not allowed');
  },
  reset(): void {},
  setXmlVersion(): void {},
  decode: (text: string) => decodeReferences(text, legal),
});

const PARSER_OPTIONS = {
  ignoreAttributes: true, // xmlns and friends carry nothing OSS results need
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false, // keys may start or end with spaces
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH + 1, // +1 for the wrapper element
};
const parser = new XMLParser({ ...PARSER_OPTIONS, entityDecoder: entityDecoder(isXmlChar) });
const lenientParser = new XMLParser({ ...PARSER_OPTIONS, entityDecoder: entityDecoder(isLenientXmlChar) });

function fail(reason: string, cause?: unknown): never {
  throw new OssXmlError(`Invalid XML: ${reason}`, cause === undefined ? undefined : { cause });
}

/**
 * Parses one OSS XML document into plain objects of strings. Throws OssXmlError when the input is
 * too large, not well-formed, declares a DOCTYPE or entities, nests too deeply, uses an undefined
 * entity, or has anything but whitespace, comments and processing instructions around one root.
 */
export function parseXml(xml: string, options: XmlParseOptions = {}): XmlDocument {
  if (typeof xml !== 'string') fail(`expected text, got ${typeof xml}`);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  // length is a lower bound of the UTF-8 size, so the exact count is only needed near the cap.
  if (xml.length > maxBytes || (xml.length * 3 > maxBytes && Buffer.byteLength(xml, 'utf8') > maxBytes)) {
    fail(`the document is larger than the ${maxBytes}-byte limit`);
  }
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (text.trim() === '') fail('the body is empty');
  if (/<!(?:DOCTYPE|ENTITY)/i.test(text)) fail('DOCTYPE and entity declarations are not allowed');
  const illegal = (options.allowControlCharacters ? ILLEGAL_EVEN_LENIENTLY : ILLEGAL_CHARACTER).exec(text);
  if (illegal) fail(`control character U+${illegal[0].charCodeAt(0).toString(16).padStart(4, '0')} at offset ${illegal.index} is not allowed in XML`);

  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    fail(`not well-formed (${msg.replace(/\.$/, '')} at line ${line}${col ? `, column ${col}` : ''})`);
  }

  // The validator ignores what follows the root element, so parse inside a wrapper and inspect
  // the top level ourselves. The declaration may only open the document.
  const body = text.replace(DECLARATION, '');
  if (/<\?xml[ \t\r\n?]/i.test(body)) fail('misplaced XML declaration');
  let wrapped: Record<string, unknown>;
  try {
    wrapped = (options.allowControlCharacters ? lenientParser : parser).parse(`<${WRAPPER}>${body}</${WRAPPER}>`)[WRAPPER] as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    fail(/nested tags/i.test(message) ? `elements nested deeper than ${MAX_DEPTH} levels` : message.replace(/\.$/, ''), error);
  }
  if (typeof wrapped !== 'object' || wrapped === null) fail('no root element');
  const names = Object.keys(wrapped).filter((name) => name !== '#text');
  const strayText = wrapped['#text'];
  if (typeof strayText === 'string' && strayText.trim() !== '') fail('text outside the root element');
  if (names.length !== 1 || Array.isArray(wrapped[names[0]])) fail('a document must have exactly one root element');
  return { rootName: names[0], root: wrapped[names[0]] as XmlValue };
}
