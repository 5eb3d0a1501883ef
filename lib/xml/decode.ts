// Decoders for the OSS XML documents of the multipart APIs (protocol §4, §5.2). Each one is strict:
// a missing field, a wrong type or a hostile document is an OssXmlError, never a guessed value.
import type {
  CompletedPart,
  InitiateMultipartUploadResult,
  ListMultipartUploadsResult,
  ListPartsResult,
  PartInfo,
} from '../api/types.js';
import { OssXmlError } from '../errors.js';
import { normalizeEtag } from '../hash/md5.js';
import { XmlFields, urlDecodeField } from './fields.js';
import { parseXml, type XmlParseOptions } from './parser.js';

export { DEFAULT_MAX_XML_BYTES } from './parser.js';
export type XmlDecodeOptions = XmlParseOptions;

/** A CompleteMultipartUpload body lists up to 10000 parts (~100 bytes each, more when indented). */
const DEFAULT_MAX_COMPLETE_REQUEST_BYTES = 4 * 1024 * 1024;
/** 1000 uploads whose url-encoded keys may each be ~3 KB do not fit the 1 MiB default. */
const DEFAULT_MAX_LIST_UPLOADS_BYTES = 8 * 1024 * 1024;
const MAX_PARTS = 10000;

export type InitiateMultipartUploadXml = Omit<InitiateMultipartUploadResult, 'requestId'>;
export type ListPartsXml = Omit<ListPartsResult, 'requestId'>;
export type ListMultipartUploadsXml = Omit<ListMultipartUploadsResult, 'requestId'>;
export interface CompleteMultipartUploadXml {
  bucket: string;
  key: string;
  /** As sent, with its quotes: "\"B864DB6A936D376F9F8D3ED3BBE540DD-3\"". */
  etag: string;
  location: string | undefined;
}
export interface OssErrorXml {
  code: string;
  message: string;
  requestId?: string;
  hostId?: string;
  ec?: string;
  /** Code-specific elements (StringToSign, UploadId, ArgumentName, ...), by element name. */
  extras: Record<string, string>;
}

/** Returns the decoder for key-like fields: identity, or URL-decoding under <EncodingType>url</EncodingType>. */
function keyDecoder(fields: XmlFields): (value: string, path: string) => string {
  const encoding = fields.optionalText('EncodingType')?.trim();
  if (encoding === undefined || encoding === '') return (value) => value;
  if (encoding.toLowerCase() !== 'url') fields.fail(`${fields.path}<EncodingType> is ${JSON.stringify(encoding)}, expected url`);
  return urlDecodeField;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function decodeInitiateMultipartUploadResult(xml: string, options?: XmlDecodeOptions): InitiateMultipartUploadXml {
  const root = XmlFields.root(parseXml(xml, options), 'InitiateMultipartUploadResult');
  const decodeKey = keyDecoder(root);
  return {
    bucket: root.nonEmptyText('Bucket'),
    key: decodeKey(root.nonEmptyText('Key'), `${root.path}<Key>`),
    uploadId: root.nonEmptyText('UploadId').trim(),
  };
}

export function decodeListPartsResult(xml: string, options?: XmlDecodeOptions): ListPartsXml {
  const root = XmlFields.root(parseXml(xml, options), 'ListPartsResult');
  const decodeKey = keyDecoder(root);
  const parts: PartInfo[] = root.children('Part').map((part) => ({
    partNumber: part.integer('PartNumber', 1, MAX_PARTS),
    etag: part.nonEmptyText('ETag').trim(),
    size: part.integer('Size', 0, Number.MAX_SAFE_INTEGER),
    lastModified: part.nonEmptyText('LastModified').trim(),
    crc64: part.optionalCrc64('HashCrc64ecma'),
  }));
  parts.forEach((part, index) => {
    if (index > 0 && part.partNumber <= parts[index - 1].partNumber) {
      root.fail(`${root.path} lists part ${part.partNumber} after part ${parts[index - 1].partNumber}; parts must be in ascending order`);
    }
  });
  const isTruncated = root.boolean('IsTruncated');
  const marker = root.optionalInteger('PartNumberMarker', 0, MAX_PARTS) ?? 0;
  const nextPartNumberMarker = root.optionalInteger('NextPartNumberMarker', 0, MAX_PARTS);
  // A truncated page that does not move the marker forward would make the caller page forever.
  if (isTruncated && (nextPartNumberMarker === undefined || nextPartNumberMarker <= marker)) {
    root.fail(`${root.path} is truncated but <NextPartNumberMarker> (${nextPartNumberMarker ?? 'missing'}) does not move past <PartNumberMarker> ${marker}`);
  }
  return {
    bucket: root.nonEmptyText('Bucket'),
    key: decodeKey(root.nonEmptyText('Key'), `${root.path}<Key>`),
    uploadId: root.nonEmptyText('UploadId').trim(),
    parts,
    isTruncated,
    nextPartNumberMarker,
  };
}

export function decodeCompleteMultipartUploadResult(xml: string, options?: XmlDecodeOptions): CompleteMultipartUploadXml {
  const root = XmlFields.root(parseXml(xml, options), 'CompleteMultipartUploadResult');
  const decodeKey = keyDecoder(root);
  return {
    bucket: root.nonEmptyText('Bucket'),
    key: decodeKey(root.nonEmptyText('Key'), `${root.path}<Key>`),
    etag: root.nonEmptyText('ETag').trim(),
    location: emptyToUndefined(root.optionalText('Location')?.trim()),
  };
}

export function decodeListMultipartUploadsResult(xml: string, options?: XmlDecodeOptions): ListMultipartUploadsXml {
  const root = XmlFields.root(parseXml(xml, { maxBytes: options?.maxBytes ?? DEFAULT_MAX_LIST_UPLOADS_BYTES }), 'ListMultipartUploadsResult');
  const decodeKey = keyDecoder(root);
  const uploads = root.children('Upload').map((upload) => ({
    key: decodeKey(upload.nonEmptyText('Key'), `${upload.path}<Key>`),
    uploadId: upload.nonEmptyText('UploadId').trim(),
    initiated: upload.nonEmptyText('Initiated').trim(),
  }));
  const commonPrefixes = root
    .children('CommonPrefixes')
    .map((prefix) => decodeKey(prefix.nonEmptyText('Prefix'), `${prefix.path}<Prefix>`));
  const isTruncated = root.boolean('IsTruncated');
  const rawNextKeyMarker = emptyToUndefined(root.optionalText('NextKeyMarker'));
  const nextKeyMarker = rawNextKeyMarker === undefined ? undefined : decodeKey(rawNextKeyMarker, `${root.path}<NextKeyMarker>`);
  if (isTruncated && nextKeyMarker === undefined) {
    root.fail(`${root.path} is truncated but has no <NextKeyMarker> to continue from`);
  }
  return {
    bucket: root.nonEmptyText('Bucket'),
    uploads,
    commonPrefixes,
    isTruncated,
    nextKeyMarker,
    nextUploadIdMarker: emptyToUndefined(root.optionalText('NextUploadIdMarker')?.trim()),
  };
}

const STANDARD_ERROR_FIELDS = new Set(['Code', 'Message', 'RequestId', 'HostId', 'EC']);

/**
 * An OSS <Error> body. Returns undefined for a well-formed document with another root (so the
 * caller falls back to the HTTP status); throws OssXmlError for malformed or hostile input.
 */
export function decodeErrorXml(xml: string, options?: XmlDecodeOptions): OssErrorXml | undefined {
  const document = parseXml(xml, options);
  if (document.rootName !== 'Error') return undefined;
  const root = XmlFields.root(document, 'Error');
  const decoded: OssErrorXml = {
    code: root.nonEmptyText('Code').trim(),
    message: root.optionalText('Message') ?? '',
    extras: {},
  };
  const requestId = emptyToUndefined(root.optionalText('RequestId')?.trim());
  const hostId = emptyToUndefined(root.optionalText('HostId')?.trim());
  const ec = emptyToUndefined(root.optionalText('EC')?.trim());
  if (requestId !== undefined) decoded.requestId = requestId;
  if (hostId !== undefined) decoded.hostId = hostId;
  if (ec !== undefined) decoded.ec = ec;
  // Extras are diagnostics: a repeated or structured one is skipped rather than failing the error.
  const extras: Array<[string, string]> = [];
  for (const name of root.childNames()) {
    if (STANDARD_ERROR_FIELDS.has(name)) continue;
    try {
      const value = root.optionalText(name);
      if (value !== undefined) extras.push([name, value]);
    } catch {
      continue;
    }
  }
  decoded.extras = Object.fromEntries(extras); // defines own properties, so "__proto__" stays data
  return decoded;
}

/** The `x-oss-err` header (base64 of an <Error> document) that OSS sends when there is no body. */
export function decodeErrorFromHeader(xErr: string): OssErrorXml | undefined {
  const encoded = typeof xErr === 'string' ? xErr.trim() : '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
    throw new OssXmlError('Invalid x-oss-err header: not base64');
  }
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'));
  } catch (error) {
    throw new OssXmlError('Invalid x-oss-err header: not UTF-8 text', { cause: error });
  }
  return decodeErrorXml(xml);
}

/**
 * The server side of Complete (used by the mock): the <CompleteMultipartUpload> part list in
 * document order. PartNumbers are taken as the integers written (up to 16 digits, optionally
 * negative), whatever their value: a number outside 1..10000 names a part that was never
 * uploaded, which OSS answers with InvalidPart (§4.4 check 4), after InvalidPartOrder for a list
 * out of order, not MalformedXML; so range and order are the caller's checks. Only a PartNumber
 * that is not an integer, a Part without ETag, or a document without Part is malformed.
 * ETags come back canonical: `"UPPERHEX"`.
 */
export function decodeCompleteMultipartUploadRequest(xml: string, options?: XmlDecodeOptions): CompletedPart[] {
  const root = XmlFields.root(
    parseXml(xml, { maxBytes: options?.maxBytes ?? DEFAULT_MAX_COMPLETE_REQUEST_BYTES }),
    'CompleteMultipartUpload',
  );
  const parts = root.children('Part');
  if (parts.length === 0) root.fail(`${root.path} lists no <Part>`);
  return parts.map((part) => {
    const number = part.text('PartNumber').trim();
    if (!/^-?\d{1,16}$/.test(number)) part.fail(`${part.path}<PartNumber> is ${JSON.stringify(number.slice(0, 32))}, not an integer`);
    const etag = normalizeEtag(part.nonEmptyText('ETag'));
    if (etag === '') part.fail(`${part.path}<ETag> is empty`);
    return { partNumber: Number(number), etag: `"${etag}"` };
  });
}
