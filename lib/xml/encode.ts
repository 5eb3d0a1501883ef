// The one XML document the client sends: the CompleteMultipartUpload part list (protocol §4.4).
import type { CompletedPart } from '../api/types.js';
import { OssInvalidArgumentError, OssXmlError } from '../errors.js';

// eslint-disable-next-line no-control-regex
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/**
 * Escapes text for element content: & < > (quotes need no escaping there, and OSS documents show
 * ETags with literal quotes). CR becomes &#13; so parsers do not normalise it away. Not for
 * attribute values. Throws OssXmlError for characters XML 1.0 cannot carry at all (such values
 * need `encoding-type=url`).
 */
export function escapeXml(text: string): string {
  const illegal = NOT_IN_XML.exec(text);
  if (illegal) {
    throw new OssXmlError(`Cannot write U+${illegal[0].charCodeAt(0).toString(16).padStart(4, '0')} in XML 1.0 text`);
  }
  return escapeMarkup(text);
}

/** Only the escaping of escapeXml, no check: for the mock server, which writes control characters in keys raw as OSS does. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>\r]/g, (char) => TEXT_ESCAPES[char]!);
}

/** The CompleteMultipartUpload request body, parts in the order given (the server requires ascending). */
export function encodeCompleteMultipartUpload(parts: CompletedPart[]): string {
  const items = parts.map(({ partNumber, etag }) => {
    if (!Number.isInteger(partNumber)) throw new OssInvalidArgumentError('parts', `part number ${partNumber} is not an integer`);
    if (typeof etag !== 'string' || etag.trim() === '') throw new OssInvalidArgumentError('parts', `part ${partNumber} has no ETag`);
    return `<Part><PartNumber>${partNumber}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload>${items.join('')}</CompleteMultipartUpload>`;
}
