// The XML codec: the protocol reference's sample documents (namespaced), URL-encoded keys, paging
// fields, error bodies and x-oss-err, the CompleteMultipartUpload body both ways, and a hostile set
// that must each end in OssXmlError.
import t, { type Test } from 'tap';
import {
  DEFAULT_MAX_XML_BYTES,
  decodeCompleteMultipartUploadRequest,
  decodeCompleteMultipartUploadResult,
  decodeErrorFromHeader,
  decodeErrorXml,
  decodeInitiateMultipartUploadResult,
  decodeListMultipartUploadsResult,
  decodeListPartsResult,
} from '../lib/xml/decode.js';
import { encodeCompleteMultipartUpload, escapeXml } from '../lib/xml/encode.js';
import { parseXml } from '../lib/xml/parser.js';
import { OssInvalidArgumentError, OssXmlError } from '../lib/errors.js';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com"';

const INITIATE = `${DECL}<InitiateMultipartUploadResult ${NS}>
  <Bucket>oss-example</Bucket>
  <Key>multipart.data</Key>
  <UploadId>0004B9894A22E5B1888A1E29F8236E2D</UploadId>
</InitiateMultipartUploadResult>`;

const partXml = (n: number, etag: string, crc: string, size: string | number, when = '2012-02-23T07:01:34.000Z') =>
  `  <Part>
    <PartNumber>${n}</PartNumber>
    <LastModified>${when}</LastModified>
    <ETag>${etag}</ETag>
    <HashCrc64ecma>${crc}</HashCrc64ecma>
    <Size>${size}</Size>
  </Part>\n`;

const listParts = (opts: { key?: string; extra?: string; truncated?: string; marker?: string; next?: string; parts?: string } = {}) =>
  `${DECL}<ListPartsResult ${NS}>
  <Bucket>oss-example</Bucket>
  <Key>${opts.key ?? 'multipart.data'}</Key>
  <UploadId>0004B999EF5A239BB9138C6227D69F95</UploadId>${opts.extra ?? ''}
  <StorageClass>Standard</StorageClass>
  <PartNumberMarker>${opts.marker ?? '0'}</PartNumberMarker>
  <NextPartNumberMarker>${opts.next ?? '2'}</NextPartNumberMarker>
  <MaxParts>2</MaxParts>
  <IsTruncated>${opts.truncated ?? 'true'}</IsTruncated>
${opts.parts ?? partXml(1, '"403CCF89C608D9C7CE71E955F706EC5A"', '3633239582609614857', 102400) + partXml(2, '"403CCF89C608D9C7CE71E955F706EC5A"', '3633239582609614857', 102400, '2012-02-23T07:01:12.000Z')}</ListPartsResult>`;

const COMPLETE_RESULT = `${DECL}<CompleteMultipartUploadResult ${NS}>
  <Location>http://oss-example.oss-cn-hangzhou.aliyuncs.com/multipart.data</Location>
  <Bucket>oss-example</Bucket>
  <Key>multipart.data</Key>
  <ETag>"B864DB6A936D376F9F8D3ED3BBE540DD-3"</ETag>
</CompleteMultipartUploadResult>`;

const listUploads = (opts: { extra?: string; truncated?: string; nextKey?: string; uploads?: string } = {}) =>
  `${DECL}<ListMultipartUploadsResult ${NS}>
  <Bucket>oss-example</Bucket>${opts.extra ?? ''}
  <KeyMarker></KeyMarker>
  <UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>${opts.nextKey ?? 'oss.avi'}</NextKeyMarker>
  <NextUploadIdMarker>0004B99B8E707874FC2D692FA5D77D3F</NextUploadIdMarker>
  <Delimiter></Delimiter>
  <Prefix></Prefix>
  <MaxUploads>1000</MaxUploads>
  <IsTruncated>${opts.truncated ?? 'false'}</IsTruncated>
${opts.uploads ?? `  <Upload>
    <Key>multipart.data</Key>
    <UploadId>0004B999EF518A1FE585B0C9360DC4C8</UploadId>
    <Initiated>2012-02-23T04:18:23.000Z</Initiated>
  </Upload>
  <Upload>
    <Key>oss.avi</Key>
    <UploadId>0004B99B8E707874FC2D692FA5D77D3F</UploadId>
    <Initiated>2012-02-23T06:14:27.000Z</Initiated>
  </Upload>
`}</ListMultipartUploadsResult>`;

const NO_SUCH_UPLOAD = `${DECL}<Error>
  <Code>NoSuchUpload</Code>
  <Message>The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.</Message>
  <RequestId>5C3D8D2A0ACA54D87B43****</RequestId>
  <HostId>oss-example.oss-cn-hangzhou.aliyuncs.com</HostId>
  <UploadId>0004B9895DBBB6EC98E3****</UploadId>
  <EC>0042-00000002</EC>
  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0042-00000002</RecommendDoc>
</Error>`;

/** Asserts that fn throws an OssXmlError whose message matches. */
function xmlFails(t: Test, fn: () => unknown, message: RegExp, label: string): void {
  try {
    fn();
    t.fail(`${label}: expected OssXmlError, nothing thrown`);
  } catch (error) {
    t.type(error, OssXmlError, `${label}: OssXmlError`);
    t.match((error as Error).message, message, `${label}: says why`);
  }
}

t.test('InitiateMultipartUploadResult', async (t) => {
  t.same(decodeInitiateMultipartUploadResult(INITIATE), {
    bucket: 'oss-example',
    key: 'multipart.data',
    uploadId: '0004B9894A22E5B1888A1E29F8236E2D',
  });
  const prefixed = INITIATE.replace(/<(\/?)(\w+)/g, '<$1oss:$2').replace(NS, 'xmlns:oss="http://doc.oss-cn-hangzhou.aliyuncs.com"');
  t.equal(decodeInitiateMultipartUploadResult(prefixed).uploadId, '0004B9894A22E5B1888A1E29F8236E2D', 'prefixed element names');
  const spaced = INITIATE.replace('<Key>multipart.data</Key>', '<Key> spaced key </Key>');
  t.equal(decodeInitiateMultipartUploadResult(spaced).key, ' spaced key ', 'key whitespace is data, kept');
  const noDecl = INITIATE.replace(DECL, '\uFEFF<!-- leading comment -->');
  t.equal(decodeInitiateMultipartUploadResult(noDecl).bucket, 'oss-example', 'BOM, comment, no declaration');
});

t.test('ListPartsResult: sample page, paging fields and types', async (t) => {
  const page = decodeListPartsResult(listParts());
  t.same(page, {
    bucket: 'oss-example',
    key: 'multipart.data',
    uploadId: '0004B999EF5A239BB9138C6227D69F95',
    isTruncated: true,
    nextPartNumberMarker: 2,
    parts: [
      { partNumber: 1, etag: '"403CCF89C608D9C7CE71E955F706EC5A"', size: 102400, lastModified: '2012-02-23T07:01:34.000Z', crc64: '3633239582609614857' },
      { partNumber: 2, etag: '"403CCF89C608D9C7CE71E955F706EC5A"', size: 102400, lastModified: '2012-02-23T07:01:12.000Z', crc64: '3633239582609614857' },
    ],
  });
  t.type(page.parts[0].crc64, 'string', 'CRC stays a decimal string');

  const last = decodeListPartsResult(
    listParts({ truncated: 'false', marker: '2', next: '3', parts: partXml(3, '"371C3ACE55A9AB2D33BBC560AF4055FF"', '6225964447248312153', 51200) }),
  );
  t.equal(last.parts.length, 1, 'a single <Part> is still a list');
  t.same(last.parts[0], { partNumber: 3, etag: '"371C3ACE55A9AB2D33BBC560AF4055FF"', size: 51200, lastModified: '2012-02-23T07:01:34.000Z', crc64: '6225964447248312153' });
  t.equal(last.isTruncated, false);

  const empty = decodeListPartsResult(listParts({ truncated: 'false', next: '', parts: '' }));
  t.same(empty.parts, [], 'no parts uploaded yet');
  t.equal(empty.nextPartNumberMarker, undefined, 'empty marker is undefined');

  const noCrc = decodeListPartsResult(listParts({ truncated: 'false', parts: partXml(1, '"AB"', '', 0).replace(/<HashCrc64ecma>.*<\/HashCrc64ecma>/, '') }));
  t.equal(noCrc.parts[0].crc64, undefined, 'HashCrc64ecma is optional');
  t.equal(noCrc.parts[0].size, 0, 'a zero-byte last part');
  const padded = decodeListPartsResult(listParts({ truncated: 'false', parts: partXml(1, '"AB"', ' 00042 ', ' 7 ') }));
  t.equal(padded.parts[0].crc64, '42', 'CRC canonicalised');
  t.equal(padded.parts[0].size, 7);
});

t.test('a 1000-part ListParts page fits the default size limit', async (t) => {
  let parts = '';
  for (let n = 1; n <= 1000; n++) parts += partXml(n, '"403CCF89C608D9C7CE71E955F706EC5A"', '18446744073709551615', 5368709120);
  const xml = listParts({ parts, next: '1000' });
  t.ok(xml.length < DEFAULT_MAX_XML_BYTES, `${xml.length} bytes`);
  const page = decodeListPartsResult(xml);
  t.equal(page.parts.length, 1000);
  t.equal(page.parts[999].partNumber, 1000);
  t.equal(page.parts[999].crc64, '18446744073709551615', 'max CRC kept exactly');
  t.equal(page.parts[0].size, 5368709120, '5 GiB part size');
});

t.test('encoding-type=url keys (unicode, space, +)', async (t) => {
  const key = 'dir/文件 a+b&c%.txt';
  const encoded = encodeURIComponent(key);
  const extra = '\n  <EncodingType>url</EncodingType>';
  t.equal(decodeListPartsResult(listParts({ key: encoded, extra })).key, key, 'ListParts, encodeURIComponent form');
  const queryStyle = encoded.replace(/%20/g, '+');
  t.equal(decodeListPartsResult(listParts({ key: queryStyle, extra })).key, key, "'+' is a space, as in Go's QueryUnescape");
  t.equal(decodeListPartsResult(listParts({ key: 'a%2Bb' })).key, 'a%2Bb', 'not decoded without EncodingType');

  const initiate = INITIATE.replace('<Key>multipart.data</Key>', `<EncodingType>url</EncodingType><Key>${encoded}</Key>`);
  t.equal(decodeInitiateMultipartUploadResult(initiate).key, key, 'Initiate');
  const complete = COMPLETE_RESULT.replace('<Key>multipart.data</Key>', `<Key>${encoded}</Key>`).replace('<Location>', '<EncodingType>url</EncodingType><Location>');
  t.equal(decodeCompleteMultipartUploadResult(complete).key, key, 'Complete');

  const uploads = decodeListMultipartUploadsResult(
    listUploads({
      extra,
      truncated: 'true',
      nextKey: encodeURIComponent('next key+'),
      uploads: `<Upload><Key>${encoded}</Key><UploadId>U1</UploadId><Initiated>2012-02-23T04:18:23.000Z</Initiated></Upload>
  <CommonPrefixes><Prefix>${encodeURIComponent('photos 2024/')}</Prefix></CommonPrefixes>`,
    }),
  );
  t.equal(uploads.uploads[0].key, key, 'ListMultipartUploads Key');
  t.equal(uploads.nextKeyMarker, 'next key+', 'NextKeyMarker decoded');
  t.same(uploads.commonPrefixes, ['photos 2024/'], 'CommonPrefixes decoded');

  xmlFails(t, () => decodeListPartsResult(listParts({ key: '%E6%96', extra })), /not valid URL encoding/, 'broken percent-encoding');
  xmlFails(t, () => decodeListPartsResult(listParts({ extra: '<EncodingType>base64</EncodingType>' })), /EncodingType/, 'unknown encoding type');
});

t.test('XML escaping round trip through the decoders', async (t) => {
  const key = `a&b <c> "d" 'e' \r\n]]> 😀`;
  const xml = INITIATE.replace('<Key>multipart.data</Key>', `<Key>${escapeXml(key)}</Key>`);
  t.equal(decodeInitiateMultipartUploadResult(xml).key, key);
  const refs = INITIATE.replace('<Key>multipart.data</Key>', '<Key>&#65;&#x42;&#128512;&lt;&amp;amp;</Key>');
  t.equal(decodeInitiateMultipartUploadResult(refs).key, 'AB😀<&amp;', 'numeric references decoded once, entities not twice');
  const cdata = INITIATE.replace('<Key>multipart.data</Key>', '<Key><![CDATA[x &amp; <y>]]></Key>');
  t.equal(decodeInitiateMultipartUploadResult(cdata).key, 'x &amp; <y>', 'CDATA is literal');
  t.throws(() => escapeXml('bad\u0001'), OssXmlError, 'control characters cannot be written');
});

t.test('CompleteMultipartUploadResult', async (t) => {
  t.same(decodeCompleteMultipartUploadResult(COMPLETE_RESULT), {
    bucket: 'oss-example',
    key: 'multipart.data',
    etag: '"B864DB6A936D376F9F8D3ED3BBE540DD-3"',
    location: 'http://oss-example.oss-cn-hangzhou.aliyuncs.com/multipart.data',
  });
  t.equal(decodeCompleteMultipartUploadResult(COMPLETE_RESULT.replace(/<Location>.*<\/Location>/, '')).location, undefined, 'Location optional');
  xmlFails(t, () => decodeCompleteMultipartUploadResult(COMPLETE_RESULT.replace(/<ETag>.*<\/ETag>/, '')), /no <ETag>/, 'missing ETag');
});

t.test('ListMultipartUploadsResult', async (t) => {
  t.same(decodeListMultipartUploadsResult(listUploads()), {
    bucket: 'oss-example',
    uploads: [
      { key: 'multipart.data', uploadId: '0004B999EF518A1FE585B0C9360DC4C8', initiated: '2012-02-23T04:18:23.000Z' },
      { key: 'oss.avi', uploadId: '0004B99B8E707874FC2D692FA5D77D3F', initiated: '2012-02-23T06:14:27.000Z' },
    ],
    commonPrefixes: [],
    isTruncated: false,
    nextKeyMarker: 'oss.avi',
    nextUploadIdMarker: '0004B99B8E707874FC2D692FA5D77D3F',
  });
  const none = decodeListMultipartUploadsResult(listUploads({ uploads: '', nextKey: '' }).replace(/<NextUploadIdMarker>\w+</, '<NextUploadIdMarker><'));
  t.same(none.uploads, [], 'no uploads');
  t.equal(none.nextKeyMarker, undefined);
  t.equal(none.nextUploadIdMarker, undefined);
  const truncated = decodeListMultipartUploadsResult(listUploads({ truncated: 'true' }));
  t.equal(truncated.isTruncated, true);
  xmlFails(t, () => decodeListMultipartUploadsResult(listUploads({ truncated: 'true', nextKey: '' })), /NextKeyMarker/, 'truncated without a marker');
  xmlFails(t, () => decodeListMultipartUploadsResult(listUploads({ uploads: '<Upload><Key>k</Key><Initiated>x</Initiated></Upload>' })), /Upload>\[1\] has no <UploadId>/, 'upload without UploadId');
});

t.test('Error bodies and x-oss-err', async (t) => {
  t.same(decodeErrorXml(NO_SUCH_UPLOAD), {
    code: 'NoSuchUpload',
    message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    requestId: '5C3D8D2A0ACA54D87B43****',
    hostId: 'oss-example.oss-cn-hangzhou.aliyuncs.com',
    ec: '0042-00000002',
    extras: { UploadId: '0004B9895DBBB6EC98E3****', RecommendDoc: 'https://api.aliyun.com/troubleshoot?q=0042-00000002' },
  });

  const stringToSign = 'PUT\n\napplication/octet-stream\nWed, 28 Dec 2022 10:27:41 GMT\n/examplebucket/a b&c';
  const signature = `${DECL}<Error>
  <Code>SignatureDoesNotMatch</Code>
  <Message>The request signature we calculated does not match the signature you provided.</Message>
  <RequestId>5C3D9175B6FC201293AD4890</RequestId>
  <HostId>examplebucket.oss-cn-hangzhou.aliyuncs.com</HostId>
  <OSSAccessKeyId>LTAI****</OSSAccessKeyId>
  <SignatureProvided>abc=</SignatureProvided>
  <StringToSign>${escapeXml(stringToSign)}</StringToSign>
  <StringToSignBytes>50 55 54 0A</StringToSignBytes>
</Error>`;
  const decoded = decodeErrorXml(signature)!;
  t.equal(decoded.code, 'SignatureDoesNotMatch');
  t.equal(decoded.ec, undefined, 'EC absent');
  t.equal(decoded.extras.StringToSign, stringToSign, 'StringToSign exact, newlines kept');
  t.equal(decoded.extras.OSSAccessKeyId, 'LTAI****');
  t.equal(decoded.extras.StringToSignBytes, '50 55 54 0A');
  t.notOk('Code' in decoded.extras, 'standard fields are not extras');

  const minimal = decodeErrorXml('<Error><Code>AccessDenied</Code><Nested><A>1</A></Nested><__proto__x>v</__proto__x></Error>')!;
  t.same(minimal, { code: 'AccessDenied', message: '', extras: { __proto__x: 'v' } }, 'Message optional, structured extras skipped');
  t.equal(decodeErrorXml(INITIATE), undefined, 'another root: not an OSS error');
  xmlFails(t, () => decodeErrorXml('<Error><Message>m</Message></Error>'), /no <Code>/, 'Error without Code');

  const header = Buffer.from(NO_SUCH_UPLOAD).toString('base64');
  t.same(decodeErrorFromHeader(header), decodeErrorXml(NO_SUCH_UPLOAD), 'x-oss-err decodes like the body');
  t.equal(decodeErrorFromHeader(Buffer.from(INITIATE).toString('base64')), undefined);
  xmlFails(t, () => decodeErrorFromHeader('not base64!'), /not base64/, 'x-oss-err garbage');
  xmlFails(t, () => decodeErrorFromHeader(Buffer.from([0xff, 0xfe, 0x3c]).toString('base64')), /not UTF-8/, 'x-oss-err binary');
  xmlFails(t, () => decodeErrorFromHeader(Buffer.from('<Error><Code>X</Code>').toString('base64')), /not well-formed/, 'x-oss-err truncated');
});

t.test('CompleteMultipartUpload body: encode and the mock-side decode', async (t) => {
  const parts = [
    { partNumber: 1, etag: '"3349DC700140D7F86A0784842780ABCD"' },
    { partNumber: 5, etag: '"8EFDA8BE206636A695359836FE0AABCD"' },
    { partNumber: 8, etag: '"8C315065167132444177411FDA14ABCD"' },
  ];
  const body = encodeCompleteMultipartUpload(parts);
  t.equal(
    body,
    `${DECL}<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"3349DC700140D7F86A0784842780ABCD"</ETag></Part>` +
      '<Part><PartNumber>5</PartNumber><ETag>"8EFDA8BE206636A695359836FE0AABCD"</ETag></Part>' +
      '<Part><PartNumber>8</PartNumber><ETag>"8C315065167132444177411FDA14ABCD"</ETag></Part></CompleteMultipartUpload>',
  );
  t.same(decodeCompleteMultipartUploadRequest(body), parts, 'round trip');
  t.throws(() => encodeCompleteMultipartUpload([{ partNumber: 1.5, etag: '"A"' }]), OssInvalidArgumentError);
  t.throws(() => encodeCompleteMultipartUpload([{ partNumber: 1, etag: '' }]), OssInvalidArgumentError);

  const variants = `${DECL}<CompleteMultipartUpload ${NS}>
  <Part><PartNumber>3</PartNumber><ETag>&quot;aa11&quot;</ETag></Part>
  <Part><ETag>BB22</ETag><PartNumber>1</PartNumber></Part>
  <Part><PartNumber>2</PartNumber><ETag>"cc33"</ETag></Part>
</CompleteMultipartUpload>`;
  t.same(
    decodeCompleteMultipartUploadRequest(variants),
    [
      { partNumber: 3, etag: '"AA11"' },
      { partNumber: 1, etag: '"BB22"' },
      { partNumber: 2, etag: '"CC33"' },
    ],
    'escaped, bare and quoted ETags; document order kept',
  );
  t.same(decodeCompleteMultipartUploadRequest('<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&amp;quot;AB&amp;quot;</ETag></Part></CompleteMultipartUpload>'), [{ partNumber: 1, etag: '"AB"' }], 'double-escaped quotes');
  xmlFails(t, () => decodeCompleteMultipartUploadRequest(`${DECL}<CompleteMultipartUpload></CompleteMultipartUpload>`), /no <Part>/, 'no parts');
  xmlFails(t, () => decodeCompleteMultipartUploadRequest(''), /empty/, 'empty body');
  xmlFails(t, () => decodeCompleteMultipartUploadRequest('<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>'), /no <ETag>/, 'part without ETag');
  xmlFails(t, () => decodeCompleteMultipartUploadRequest('<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>""</ETag></Part></CompleteMultipartUpload>'), /ETag> is empty/, 'empty quoted ETag');
  xmlFails(t, () => decodeCompleteMultipartUploadRequest('<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>"A"</ETag></Part>'), /not well-formed/, 'truncated');
  const many = encodeCompleteMultipartUpload(Array.from({ length: 10000 }, (_, i) => ({ partNumber: i + 1, etag: '"403CCF89C608D9C7CE71E955F706EC5A"' })));
  t.equal(decodeCompleteMultipartUploadRequest(many).length, 10000, '10000 parts fit the request limit');
  // Range and order are the server's checks (InvalidPart / InvalidPartOrder), not malformed XML.
  t.same(
    decodeCompleteMultipartUploadRequest('<CompleteMultipartUpload><Part><PartNumber>10001</PartNumber><ETag>a</ETag></Part><Part><PartNumber>-1</PartNumber><ETag>b</ETag></Part></CompleteMultipartUpload>'),
    [{ partNumber: 10001, etag: '"A"' }, { partNumber: -1, etag: '"B"' }],
    'out-of-range and unordered numbers are returned as written',
  );
  xmlFails(t, () => decodeCompleteMultipartUploadRequest('<CompleteMultipartUpload><Part><PartNumber>1.5</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>'), /not an integer/, 'non-integer PartNumber');
});

t.test('hostile and malformed input is always OssXmlError', async (t) => {
  const laughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
    Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('') +
    ']><InitiateMultipartUploadResult><Bucket>&lol9;</Bucket><Key>k</Key><UploadId>u</UploadId></InitiateMultipartUploadResult>';
  const cases: Array<[string, string, RegExp, ((xml: string) => unknown)?]> = [
    ['DOCTYPE with an internal entity', '<!DOCTYPE r [<!ENTITY x "boom">]><InitiateMultipartUploadResult><Bucket>&x;</Bucket><Key>k</Key><UploadId>u</UploadId></InitiateMultipartUploadResult>', /DOCTYPE/],
    ['billion laughs', laughs, /DOCTYPE/],
    ['external entity', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><InitiateMultipartUploadResult><Bucket>&xxe;</Bucket></InitiateMultipartUploadResult>', /DOCTYPE/],
    ['bare DOCTYPE', '<!DOCTYPE html><InitiateMultipartUploadResult/>', /DOCTYPE/],
    ['undefined entity', INITIATE.replace('oss-example', 'a&nbsp;b'), /undefined entity &nbsp;/],
    ['bare ampersand', INITIATE.replace('oss-example', 'a & b'), /not well-formed/],
    ['illegal character reference', INITIATE.replace('oss-example', '&#0;'), /character reference/],
    ['control character', INITIATE.replace('oss-example', 'a\u0001b'), /control character U\+0001/],
    ['truncated', INITIATE.slice(0, INITIATE.length - 20), /not well-formed/],
    ['truncated in a tag', INITIATE.slice(0, 80), /not well-formed/],
    ['not XML', 'Service Unavailable', /not well-formed/],
    ['JSON', '{"code":"NoSuchUpload"}', /not well-formed/],
    ['empty', '   ', /empty/],
    ['HTML error page (malformed)', '<html><body><h1>502 Bad Gateway</h1><hr></body></html>', /not well-formed/],
    ['HTML error page (well-formed)', '<html><head><title>502</title></head><body>Bad Gateway</body></html>', /expected a <InitiateMultipartUploadResult> document, got <html>/],
    ['wrong root', COMPLETE_RESULT, /expected a <InitiateMultipartUploadResult> document/],
    ['two roots', `${INITIATE}<Extra/>`, /exactly one root/],
    ['text after the root', `${INITIATE}trailing`, /Extra text at the end/],
    ['text after a self-closing root', '<InitiateMultipartUploadResult/>trailing', /text outside the root/],
    ['misplaced declaration', `${INITIATE}<?xml version="1.0"?>`, /misplaced XML declaration/],
    ['missing UploadId', INITIATE.replace(/<UploadId>.*<\/UploadId>/, ''), /no <UploadId>/],
    ['empty UploadId', INITIATE.replace(/<UploadId>.*<\/UploadId>/, '<UploadId> </UploadId>'), /<UploadId> is empty/],
    ['duplicate UploadId', INITIATE.replace('</UploadId>', '</UploadId><UploadId>X</UploadId>'), /2 <UploadId> elements/],
    ['structured Key', INITIATE.replace('<Key>multipart.data</Key>', '<Key><b>x</b></Key>'), /<Key> must contain text/],
    ['root with text only', '<InitiateMultipartUploadResult>hello</InitiateMultipartUploadResult>', /must contain elements/],
    ['prototype pollution name', '<InitiateMultipartUploadResult><__proto__><Bucket>b</Bucket></__proto__></InitiateMultipartUploadResult>', /reserved|__proto__/],
    ['10000-deep nesting', `<a>${'<b>'.repeat(10000)}${'</b>'.repeat(10000)}</a>`, /nested deeper than 32/],
    ['PartNumber abc', listParts({ parts: partXml(1, '"A"', '1', 1).replace('<PartNumber>1<', '<PartNumber>abc<') }), /PartNumber> is "abc", expected an integer from 1 to 10000/, decodeListPartsResult],
    ['PartNumber 0', listParts({ parts: partXml(0, '"A"', '1', 1) }), /PartNumber> is "0"/, decodeListPartsResult],
    ['PartNumber 10001', listParts({ parts: partXml(10001, '"A"', '1', 1) }), /PartNumber> is "10001"/, decodeListPartsResult],
    ['PartNumber 1.5', listParts({ parts: partXml(1, '"A"', '1', 1).replace('<PartNumber>1<', '<PartNumber>1.5<') }), /PartNumber> is "1.5"/, decodeListPartsResult],
    ['Size -1', listParts({ parts: partXml(1, '"A"', '1', '-1') }), /Size> is "-1"/, decodeListPartsResult],
    ['Size 1e3', listParts({ parts: partXml(1, '"A"', '1', '1e3') }), /Size> is "1e3"/, decodeListPartsResult],
    ['Size beyond 2^53', listParts({ parts: partXml(1, '"A"', '1', '9007199254740993') }), /Size> is "9007199254740993"/, decodeListPartsResult],
    ['IsTruncated maybe', listParts({ truncated: 'maybe' }), /IsTruncated> is "maybe", expected true or false/, decodeListPartsResult],
    ['IsTruncated missing', listParts().replace(/<IsTruncated>.*<\/IsTruncated>/, ''), /no <IsTruncated>/, decodeListPartsResult],
    ['CRC 2^64', listParts({ parts: partXml(1, '"A"', '18446744073709551616', 1) }), /HashCrc64ecma> is "18446744073709551616"/, decodeListPartsResult],
    ['CRC negative', listParts({ parts: partXml(1, '"A"', '-5', 1) }), /HashCrc64ecma> is "-5"/, decodeListPartsResult],
    ['CRC hex', listParts({ parts: partXml(1, '"A"', '0x1F', 1) }), /HashCrc64ecma> is "0x1F"/, decodeListPartsResult],
    ['part without ETag', listParts({ parts: partXml(1, '', '1', 1).replace('<ETag></ETag>', '') }), /Part>\[1\] has no <ETag>/, decodeListPartsResult],
    ['parts out of order', listParts({ parts: partXml(2, '"A"', '1', 1) + partXml(1, '"A"', '1', 1) }), /part 1 after part 2/, decodeListPartsResult],
    ['truncated page without NextPartNumberMarker', listParts({ next: '' }), /NextPartNumberMarker> \(missing\)/, decodeListPartsResult],
    ['truncated page that does not advance', listParts({ marker: '2', next: '2' }), /does not move past/, decodeListPartsResult],
    ['MaxUploads page without Bucket', listUploads().replace(/<Bucket>.*<\/Bucket>/, ''), /no <Bucket>/, decodeListMultipartUploadsResult],
  ];
  for (const [label, xml, message, decode = decodeInitiateMultipartUploadResult] of cases) {
    xmlFails(t, () => decode(xml), message, label);
  }

  // Hostile documents are refused by every decoder, including the error decoder and the mock's.
  for (const decode of [decodeErrorXml, decodeCompleteMultipartUploadRequest, decodeListMultipartUploadsResult, decodeCompleteMultipartUploadResult]) {
    xmlFails(t, () => decode(laughs), /DOCTYPE/, `billion laughs via ${decode.name}`);
  }
});

t.test('size limits', async (t) => {
  const filler = `<!-- ${'x'.repeat(DEFAULT_MAX_XML_BYTES)} -->`;
  xmlFails(t, () => decodeInitiateMultipartUploadResult(INITIATE + filler), /larger than the 1048576-byte limit/, 'over the default limit');
  xmlFails(t, () => decodeErrorXml(NO_SUCH_UPLOAD + filler), /larger than/, 'error bodies too');
  const multiByte = INITIATE.replace('multipart.data', '文'.repeat(400_000)); // 1.2 MB of UTF-8 in 400k characters
  xmlFails(t, () => decodeInitiateMultipartUploadResult(multiByte), /larger than/, 'limit counts UTF-8 bytes');
  xmlFails(t, () => decodeInitiateMultipartUploadResult(INITIATE, { maxBytes: 100 }), /100-byte limit/, 'custom limit');
  t.equal(decodeInitiateMultipartUploadResult(INITIATE + filler, { maxBytes: 2 * DEFAULT_MAX_XML_BYTES }).bucket, 'oss-example', 'a raised limit admits it');
  t.equal(parseXml(INITIATE).rootName, 'InitiateMultipartUploadResult', 'parseXml reports the local root name');
});

t.test('allowControlCharacters (the mock reading keys OSS allows): raw and referenced control characters, never NUL', async (t) => {
  const doc = (key: string): string => `<Delete><Object><Key>${key}</Key></Object></Delete>`;
  const keyOf = (xml: string, lenient: boolean): unknown => (parseXml(xml, { allowControlCharacters: lenient }).root as { Object: { Key: string } }).Object.Key;
  xmlFails(t, () => parseXml(doc('a\u0001b')), /control character U\+0001/, 'refused by default');
  xmlFails(t, () => parseXml(doc('a&#x1;b')), /not a legal XML character/, 'a reference to one too');
  t.equal(keyOf(doc('a\u0001\u0007\fb'), true), 'a\u0001\u0007\fb', 'raw, when allowed');
  t.equal(keyOf(doc('a&#x1;&#7;b'), true), 'a\u0001\u0007b', 'referenced, when allowed');
  xmlFails(t, () => parseXml(doc('a\u0000b'), { allowControlCharacters: true }), /control character U\+0000/, 'NUL never');
  xmlFails(t, () => parseXml(doc('a&#0;b'), { allowControlCharacters: true }), /not a legal XML character/, 'nor a reference to it');
});
