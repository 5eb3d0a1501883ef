// The mock's multipart APIs over loopback HTTP: round trips with the reference values, paging,
// replacement, independence of uploads, every multipart error code, and parallel uploads.
import t from 'tap';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer } from '../lib/mock-server/index.js';
import {
  BUCKET,
  complete,
  completeXml,
  initiate,
  ossRequest,
  patternBytes,
  putPart,
  withMockServer,
  xmlField,
  xmlFields,
} from './mock-server-helpers.js';

// The reference's §6 fixture: 250 KiB of b[i]=(i*31+7)&255 in parts of 102400, 102400, 51200.
const FIXTURE = patternBytes(250 * 1024);
const FIXTURE_PARTS = [FIXTURE.subarray(0, 102400), FIXTURE.subarray(102400, 204800), FIXTURE.subarray(204800)];

t.test('a three-part upload gives the reference ETags and CRC-64s', async (t) => {
  const server = await withMockServer(t);
  const key = 'dir/fixture.bin';
  const uploadId = await initiate(server, key, { 'content-type': 'text/plain', 'x-oss-meta-Owner': 'alice', 'cache-control': 'no-cache' });
  t.match(uploadId, /^[0-9A-F]{32}$/);

  const replies = [];
  for (const [i, data] of FIXTURE_PARTS.entries()) replies.push(await putPart(server, key, uploadId, i + 1, data));
  t.same(
    replies.map((r) => [r.status, r.headers['etag'], r.headers['x-oss-hash-crc64ecma']]),
    [
      [200, '"403CCF89C608D9C7CE71E955F706EC5A"', '3633239582609614857'],
      [200, '"403CCF89C608D9C7CE71E955F706EC5A"', '3633239582609614857'],
      [200, '"371C3ACE55A9AB2D33BBC560AF4055FF"', '6225964447248312153'],
    ],
  );
  t.equal(replies[0]!.headers['content-md5'], 'QDzPicYI2cfOcelV9wbsWg==');

  const done = await complete(server, key, uploadId, replies.map((r, i) => ({ partNumber: i + 1, etag: r.headers['etag']! })));
  t.equal(done.status, 200, done.text);
  t.equal(done.headers['etag'], '"0424DA821EAAA417F92036E72024E59B-3"');
  t.equal(done.headers['x-oss-hash-crc64ecma'], '9176800064409463486');
  t.equal(xmlField(done.text, 'ETag'), '"0424DA821EAAA417F92036E72024E59B-3"');
  t.equal(xmlField(done.text, 'Key'), key);
  t.equal(xmlField(done.text, 'Location'), `${server.url}/${BUCKET}/dir/fixture.bin`);
  t.match(done.text, /<CompleteMultipartUploadResult>\n/, 'a bare root, no xmlns, as OSS sends it');

  t.ok((await server.readObject(BUCKET, key)).equals(FIXTURE), 'the object is the parts concatenated');
  t.same(server.listUploads(BUCKET), [], 'the upload is gone');
  const head = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key });
  t.equal(head.headers['content-length'], String(FIXTURE.length));
  t.equal(head.headers['content-type'], 'text/plain', 'Content-Type comes from Initiate');
  t.equal(head.headers['cache-control'], 'no-cache');
  t.equal(head.headers['x-oss-meta-owner'], 'alice', 'metadata names are stored lower-case');
  t.equal(head.headers['x-oss-hash-crc64ecma'], '9176800064409463486');
  t.equal(head.headers['x-oss-object-type'], 'Multipart');

  const again = await complete(server, key, uploadId, [{ partNumber: 1, etag: replies[0]!.headers['etag']! }]);
  t.equal(again.status, 404);
  t.equal(xmlField(again.text, 'Code'), 'NoSuchUpload', 'a completed upload no longer exists');
});

t.test('ListParts pages with max-parts and part-number-marker', async (t) => {
  const server = await withMockServer(t);
  const uploadId = await initiate(server, 'paged.bin');
  for (const n of [5, 1, 3, 2, 4]) t.equal((await putPart(server, 'paged.bin', uploadId, n, Buffer.from(`part ${n}`))).status, 200);

  const pages: string[][] = [];
  let marker = '0';
  for (let i = 0; i < 10; i++) {
    const reply = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'paged.bin', query: { uploadId, 'max-parts': '2', 'part-number-marker': marker } });
    t.equal(reply.status, 200);
    t.equal(xmlField(reply.text, 'PartNumberMarker'), marker);
    t.equal(xmlField(reply.text, 'MaxParts'), '2');
    pages.push(xmlFields(reply.text, 'PartNumber'));
    if (xmlField(reply.text, 'IsTruncated') !== 'true') break;
    marker = xmlField(reply.text, 'NextPartNumberMarker')!;
  }
  t.same(pages, [['1', '2'], ['3', '4'], ['5']]);

  const all = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'paged.bin', query: { uploadId, 'max-parts': '5000', 'encoding-type': 'url' } });
  t.equal(xmlField(all.text, 'MaxParts'), '1000', 'max-parts is capped at 1000');
  t.equal(xmlField(all.text, 'EncodingType'), 'url');
  t.equal(xmlField(all.text, 'IsTruncated'), 'false');
  t.match(xmlField(all.text, 'LastModified'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.equal(xmlFields(all.text, 'Size')[0], String('part 1'.length));
  t.equal(xmlFields(all.text, 'HashCrc64ecma').length, 5);

  const bad = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'paged.bin', query: { uploadId, 'max-parts': 'lots' } });
  t.equal(xmlField(bad.text, 'Code'), 'InvalidArgument');
});

t.test('re-uploading a part replaces it; uploads of one key are independent', async (t) => {
  const server = await withMockServer(t);
  const a = await initiate(server, 'same.bin');
  const b = await initiate(server, 'same.bin');
  t.not(a, b);
  await putPart(server, 'same.bin', a, 1, Buffer.from('first version'));
  const second = await putPart(server, 'same.bin', a, 1, Buffer.from('second version, longer'));
  await putPart(server, 'same.bin', b, 1, Buffer.from('other upload'));

  const listed = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'same.bin', query: { uploadId: a } });
  t.same(xmlFields(listed.text, 'PartNumber'), ['1']);
  t.equal(xmlField(listed.text, 'ETag'), second.headers['etag']);
  t.equal(xmlField(listed.text, 'Size'), String('second version, longer'.length));

  const partFiles = (await readdir(join(server.dataDir, 'buckets', BUCKET, 'uploads', a))).filter((f) => f.endsWith('.data'));
  t.equal(partFiles.length, 1, 'the replaced part data is deleted');

  const done = await complete(server, 'same.bin', a, [{ partNumber: 1, etag: second.headers['etag']! }]);
  t.equal(done.status, 200);
  t.equal((await server.readObject(BUCKET, 'same.bin')).toString(), 'second version, longer');
  t.same(server.listUploads(BUCKET).map((u) => u.uploadId), [b], 'completing one upload leaves the other');
});

t.test('Complete keeps only the listed parts; x-oss-complete-all takes every part', async (t) => {
  const server = await withMockServer(t);
  const big = FIXTURE_PARTS[0]!;
  const id = await initiate(server, 'subset.bin');
  const p1 = await putPart(server, 'subset.bin', id, 1, big);
  await putPart(server, 'subset.bin', id, 2, Buffer.from('unlisted'));
  const p3 = await putPart(server, 'subset.bin', id, 3, Buffer.from('tail'));
  const done = await complete(server, 'subset.bin', id, [
    { partNumber: 1, etag: p1.headers['etag']! },
    { partNumber: 3, etag: p3.headers['etag']!.replace(/"/g, '').toLowerCase() }, // bare, lower-case ETags are accepted
  ]);
  t.equal(done.status, 200, done.text);
  t.ok((await server.readObject(BUCKET, 'subset.bin')).equals(Buffer.concat([big, Buffer.from('tail')])));
  await t.rejects(readdir(join(server.dataDir, 'buckets', BUCKET, 'uploads', id)), { code: 'ENOENT' }, 'unlisted parts are deleted');

  const all = await initiate(server, 'all.bin');
  await putPart(server, 'all.bin', all, 2, Buffer.from('-two'));
  await putPart(server, 'all.bin', all, 1, big);
  const withBody = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'all.bin', query: { uploadId: all }, headers: { 'x-oss-complete-all': 'yes', 'content-type': 'application/xml' }, body: completeXml([{ partNumber: 1, etag: 'x' }]) });
  t.equal(withBody.status, 400);
  t.equal(xmlField(withBody.text, 'Code'), 'InvalidArgument', 'complete-all with a body is refused');
  const ok = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'all.bin', query: { uploadId: all }, headers: { 'x-oss-complete-all': 'yes' } });
  t.equal(ok.status, 200, ok.text);
  t.match(ok.headers['etag'], /-2"$/);
  t.ok((await server.readObject(BUCKET, 'all.bin')).equals(Buffer.concat([big, Buffer.from('-two')])));
});

t.test('UploadPart errors', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'errors.bin');
  const code = (reply: { text: string }) => xmlField(reply.text, 'Code');

  for (const bad of ['0', '10001', 'abc', '1.5', '-1']) {
    const reply = await putPart(server, 'errors.bin', id, bad as unknown as number, Buffer.from('x'));
    t.equal(reply.status, 400, `partNumber ${bad}`);
    t.equal(code(reply), 'InvalidArgument');
    t.equal(xmlField(reply.text, 'ArgumentName'), 'PartNumber');
    t.equal(xmlField(reply.text, 'ArgumentValue'), bad);
  }
  t.equal((await putPart(server, 'errors.bin', id, 10000, Buffer.from('x'))).status, 200, 'part 10000 is allowed');

  const unknown = await putPart(server, 'errors.bin', 'F'.repeat(32), 1, Buffer.from('x'));
  t.equal(unknown.status, 404);
  t.equal(code(unknown), 'NoSuchUpload');
  t.equal(xmlField(unknown.text, 'UploadId'), 'F'.repeat(32));
  const otherKey = await putPart(server, 'another-key.bin', id, 1, Buffer.from('x'));
  t.equal(code(otherKey), 'NoSuchUpload', 'an upload ID only works with its own key');

  const badMd5 = await putPart(server, 'errors.bin', id, 1, Buffer.from('payload'), { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' });
  t.equal(badMd5.status, 400);
  t.equal(code(badMd5), 'InvalidDigest');
  const malformedMd5 = await putPart(server, 'errors.bin', id, 1, Buffer.from('payload'), { 'content-md5': 'not-an-md5' });
  t.equal(code(malformedMd5), 'InvalidDigest');
  const goodMd5 = await putPart(server, 'errors.bin', id, 1, Buffer.from('payload'), { 'content-md5': Buffer.from('321c3cf486ed509164edec1e1981fec8', 'hex').toString('base64') });
  t.equal(goodMd5.status, 200, 'a correct Content-MD5 passes');
  t.same(server.listUploads(BUCKET)[0]!.parts, [1, 10000], 'rejected parts were not stored');
});

t.test('Complete errors, in the documented order', async (t) => {
  const server = await withMockServer(t);
  const code = (reply: { text: string }) => xmlField(reply.text, 'Code');
  const id = await initiate(server, 'c.bin');
  const small = await putPart(server, 'c.bin', id, 1, Buffer.from('too small for a non-last part'));
  const big = await putPart(server, 'c.bin', id, 2, FIXTURE_PARTS[0]!);
  const e1 = small.headers['etag']!;
  const e2 = big.headers['etag']!;

  const unknown = await complete(server, 'c.bin', 'A'.repeat(32), [{ partNumber: 1, etag: e1 }]);
  t.equal(unknown.status, 404);
  t.equal(code(unknown), 'NoSuchUpload', '1. unknown upload');

  for (const body of ['not xml at all', '<CompleteMultipartUpload></CompleteMultipartUpload>', '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>', '<!DOCTYPE x [<!ENTITY a "b">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&a;</ETag></Part></CompleteMultipartUpload>']) {
    const reply = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'c.bin', query: { uploadId: id }, headers: { 'content-type': 'application/xml' }, body });
    t.equal(reply.status, 400);
    t.equal(code(reply), 'MalformedXML', `2. malformed: ${body.slice(0, 30)}`);
  }
  const order = await complete(server, 'c.bin', id, [{ partNumber: 2, etag: e2 }, { partNumber: 1, etag: e1 }]);
  t.equal(code(order), 'InvalidPartOrder', '3. descending part numbers');
  const duplicate = await complete(server, 'c.bin', id, [{ partNumber: 2, etag: e2 }, { partNumber: 2, etag: e2 }]);
  t.equal(code(duplicate), 'InvalidPartOrder', '3. repeated part numbers');
  const missing = await complete(server, 'c.bin', id, [{ partNumber: 2, etag: e2 }, { partNumber: 7, etag: e2 }]);
  t.equal(code(missing), 'InvalidPart', '4. a part that was never uploaded');
  const wrongEtag = await complete(server, 'c.bin', id, [{ partNumber: 2, etag: e1 }]);
  t.equal(code(wrongEtag), 'InvalidPart', '4. an ETag that does not match');
  const tooSmall = await complete(server, 'c.bin', id, [{ partNumber: 1, etag: e1 }, { partNumber: 2, etag: e2 }]);
  t.equal(tooSmall.status, 400);
  t.equal(code(tooSmall), 'EntityTooSmall', '5. a small non-last part');
  t.equal(xmlField(tooSmall.text, 'MinSizeAllowed'), '102400');
  t.same(server.listUploads(BUCKET)[0]!.parts, [1, 2], 'failed completes leave the upload intact');

  // 6. forbid-overwrite: from the Complete request, or remembered from Initiate.
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'c.bin', body: 'existing' });
  const forbidden = await complete(server, 'c.bin', id, [{ partNumber: 2, etag: e2 }], { 'x-oss-forbid-overwrite': 'true' });
  t.equal(forbidden.status, 409);
  t.equal(code(forbidden), 'FileAlreadyExists', '6. forbid-overwrite on Complete');
  const allowed = await complete(server, 'c.bin', id, [{ partNumber: 1, etag: e1 }], { 'x-oss-forbid-overwrite': 'false' });
  t.equal(allowed.status, 200, 'a single small part is fine: the last part may be small');
  t.equal((await server.readObject(BUCKET, 'c.bin')).toString(), 'too small for a non-last part');

  const remembered = await initiate(server, 'other.bin', { 'x-oss-forbid-overwrite': 'true' });
  const part = await putPart(server, 'other.bin', remembered, 1, Buffer.from('x'));
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'other.bin', body: 'appeared meanwhile' });
  t.equal(code(await complete(server, 'other.bin', remembered, [{ partNumber: 1, etag: part.headers['etag']! }])), 'FileAlreadyExists', '6. forbid-overwrite from Initiate');
  const atInit = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'other.bin', query: { uploads: '' }, headers: { 'x-oss-forbid-overwrite': 'true' } });
  t.equal(atInit.status, 409, 'Initiate itself refuses when the object exists');
});

t.test('Complete with part numbers outside 1..10000: InvalidPart (after InvalidPartOrder), not MalformedXML', async (t) => {
  const server = await withMockServer(t);
  const code = (reply: { text: string }) => xmlField(reply.text, 'Code');
  const id = await initiate(server, 'range.bin');
  const etag = (await putPart(server, 'range.bin', id, 2, FIXTURE_PARTS[0]!)).headers['etag']!;
  const send = (parts: Array<[string, string]>) =>
    ossRequest(server, {
      method: 'POST',
      bucket: BUCKET,
      key: 'range.bin',
      query: { uploadId: id },
      headers: { 'content-type': 'application/xml' },
      body: `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`,
    });

  for (const [parts, expected] of [
    [[['10001', etag]], '10001'],
    [[['2', etag], ['10001', etag]], '10001'],
    [[['0', etag], ['2', etag]], '0'],
    [[['-1', etag], ['2', etag]], '-1'],
    [[['99999999', etag]], '99999999'],
  ] as Array<[Array<[string, string]>, string]>) {
    const reply = await send(parts);
    const what = parts.map(([n]) => n).join(',');
    t.equal(reply.status, 400, what);
    t.equal(code(reply), 'InvalidPart', `${what}: a part that can never have been uploaded`);
    t.equal(xmlField(reply.text, 'PartNumber'), expected, `${what}: names the part`);
  }
  const outOfOrder = await send([['10001', etag], ['2', etag]]);
  t.equal(code(outOfOrder), 'InvalidPartOrder', 'check 3 (order) comes before check 4 (the parts exist)');
  const overLimit = await send(Array.from({ length: 10001 }, (_, i): [string, string] => [String(i + 1), etag]));
  t.equal(code(overLimit), 'InvalidPart', 'a list of 10001 ascending parts is read, and part 1 was never uploaded');
  t.equal(xmlField(overLimit.text, 'PartNumber'), '1');
  for (const bad of ['abc', '1.5', '']) {
    t.equal(code(await send([[bad, etag]])), 'MalformedXML', `PartNumber ${JSON.stringify(bad)} is not an integer`);
  }
  t.same(server.listUploads(BUCKET), [{ key: 'range.bin', uploadId: id, parts: [2] }], 'failed completes leave the upload intact');
  t.equal((await send([['2', etag]])).status, 200, 'the upload still completes');
});

t.test('request XML is capped at 1 MiB; a 10000-part list fits', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'xml.bin');
  const part = await putPart(server, 'xml.bin', id, 1, Buffer.from('x'));
  const parts = Array.from({ length: 10000 }, (_, i) => ({ partNumber: i + 1, etag: part.headers['etag']! }));
  const xml = completeXml(parts);
  t.ok(xml.length > 700_000 && xml.length < 1024 * 1024);
  const reply = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'xml.bin', query: { uploadId: id }, headers: { 'content-type': 'application/xml' }, body: xml });
  t.equal(xmlField(reply.text, 'Code'), 'InvalidPart', 'the list was parsed (part 2 was never uploaded)');
  t.equal(xmlField(reply.text, 'PartNumber'), '2');

  const huge = `<CompleteMultipartUpload>${' '.repeat(1024 * 1024 + 10)}<Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>`;
  const tooBig = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'xml.bin', query: { uploadId: id }, headers: { 'content-type': 'application/xml' }, body: huge });
  t.equal(tooBig.status, 400);
  t.equal(xmlField(tooBig.text, 'Code'), 'MalformedXML');
  t.same(server.listUploads(BUCKET)[0]!.parts, [1]);
});

t.test('Abort deletes the parts; repeating it is NoSuchUpload', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'abort.bin');
  await putPart(server, 'abort.bin', id, 1, Buffer.from('data'));
  const aborted = await ossRequest(server, { method: 'DELETE', bucket: BUCKET, key: 'abort.bin', query: { uploadId: id } });
  t.equal(aborted.status, 204);
  t.equal(aborted.body.length, 0);
  await t.rejects(readdir(join(server.dataDir, 'buckets', BUCKET, 'uploads', id)), { code: 'ENOENT' });
  const again = await ossRequest(server, { method: 'DELETE', bucket: BUCKET, key: 'abort.bin', query: { uploadId: id } });
  t.equal(again.status, 404);
  t.equal(xmlField(again.text, 'Code'), 'NoSuchUpload');
  const part = await putPart(server, 'abort.bin', id, 2, Buffer.from('late'));
  t.equal(xmlField(part.text, 'Code'), 'NoSuchUpload', 'parts cannot be added after an abort');
});

t.test('ListMultipartUploads: order, prefix, delimiter, markers, encoding', async (t) => {
  const server = await withMockServer(t);
  const ids: Record<string, string[]> = {};
  for (const key of ['b/2.bin', 'a.bin', 'b/1.bin', 'a.bin', 'c d+e.bin', 'b/1.bin']) (ids[key] ??= []).push(await initiate(server, key));

  const list = (query: Record<string, string>) => ossRequest(server, { method: 'GET', bucket: BUCKET, query: { uploads: '', ...query } });
  const everything = await list({});
  t.equal(everything.status, 200);
  t.same(xmlFields(everything.text, 'Key'), ['a.bin', 'a.bin', 'b/1.bin', 'b/1.bin', 'b/2.bin', 'c d+e.bin'], 'sorted by key');
  t.same(xmlFields(everything.text, 'UploadId').slice(0, 2), [...ids['a.bin']!].sort(), 'same key: by upload ID, as OSS orders them');
  t.match(xmlField(everything.text, 'Initiated'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  const seen: string[] = [];
  let markers: Record<string, string> = {};
  for (let page = 0; page < 10; page++) {
    const reply = await list({ 'max-uploads': '2', ...markers });
    seen.push(...xmlFields(reply.text, 'UploadId'));
    if (xmlField(reply.text, 'IsTruncated') !== 'true') break;
    markers = { 'key-marker': xmlField(reply.text, 'NextKeyMarker')!, 'upload-id-marker': xmlField(reply.text, 'NextUploadIdMarker')! };
  }
  t.same(seen, xmlFields(everything.text, 'UploadId'), 'paging by markers visits every upload once, in order');

  const prefixed = await list({ prefix: 'b/' });
  t.same(xmlFields(prefixed.text, 'Key'), ['b/1.bin', 'b/1.bin', 'b/2.bin']);
  const rolled = await list({ delimiter: '/' });
  t.same(xmlFields(rolled.text, 'Key'), ['a.bin', 'a.bin', 'c d+e.bin']);
  t.match(rolled.text, /<CommonPrefixes><Prefix>b\/<\/Prefix><\/CommonPrefixes>/);
  const afterPrefix = await list({ delimiter: '/', 'key-marker': 'b/' });
  t.same(xmlFields(afterPrefix.text, 'Key'), ['c d+e.bin'], 'a common prefix as key-marker skips the keys under it');

  const encoded = await list({ 'encoding-type': 'url', prefix: 'c' });
  t.equal(xmlField(encoded.text, 'EncodingType'), 'url');
  t.same(xmlFields(encoded.text, 'Key'), ['c%20d%2Be.bin']);
});

t.test('ListMultipartUploads: uploads of one key by upload ID; upload-id-marker selects greater IDs', async (t) => {
  const server = await withMockServer(t);
  const key = 'same/key.bin';
  // Eight uploads: the chance that initiation order is also ID order is 1 in 40320.
  const initiated: string[] = [];
  for (let i = 0; i < 8; i++) initiated.push(await initiate(server, key));
  const sorted = [...initiated].sort();
  const list = async (query: Record<string, string>) => xmlFields((await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { uploads: '', ...query } })).text, 'UploadId');
  t.same(await list({}), sorted, 'by upload ID, not by initiation time');
  const marker = initiated[0]!;
  t.same(await list({ 'key-marker': key, 'upload-id-marker': marker }), sorted.filter((id) => id > marker), 'IDs greater than the marker, wherever it was initiated');
  const absent = `${sorted[3]!.slice(0, 31)}${sorted[3]!.at(-1) === 'F' ? 'F' : 'G'}`;
  t.same(await list({ 'key-marker': key, 'upload-id-marker': absent }), sorted.filter((id) => id > absent), 'a marker naming no upload selects by comparison');
  t.same(await list({ 'upload-id-marker': sorted[7]! }), sorted, 'upload-id-marker without key-marker is ignored');
  t.same(await list({ 'key-marker': key }), [], 'key-marker alone skips the whole key');
});

t.test('parallel part uploads to the same and different uploads are safe', async (t) => {
  const server = await withMockServer(t);
  const keys = ['par-1.bin', 'par-2.bin'];
  const ids = await Promise.all(keys.map((key) => initiate(server, key)));
  const partSize = 102400;
  const parts = 8;
  const bodies = keys.map((_, k) => Array.from({ length: parts }, (_, i) => patternBytes(partSize + (i === parts - 1 ? -1000 : 0), 17 * k + i)));
  // Every part twice at once: the replacement race must leave one consistent part.
  const replies = await Promise.all(
    keys.flatMap((key, k) => bodies[k]!.flatMap((data, i) => [putPart(server, key, ids[k]!, i + 1, data), putPart(server, key, ids[k]!, i + 1, data)])),
  );
  t.ok(replies.every((r) => r.status === 200));
  for (const [k, key] of keys.entries()) {
    const listed = await ossRequest(server, { method: 'GET', bucket: BUCKET, key, query: { uploadId: ids[k]! } });
    const etags = xmlFields(listed.text, 'ETag');
    t.equal(etags.length, parts);
    const done = await complete(server, key, ids[k]!, etags.map((etag, i) => ({ partNumber: i + 1, etag })));
    t.equal(done.status, 200, done.text);
    t.ok((await server.readObject(BUCKET, key)).equals(Buffer.concat(bodies[k]!)), `${key} assembled correctly`);
  }
  t.equal(server.stats.requests['UploadPart'], keys.length * parts * 2);
});

t.test('a restarted server with the same data dir still has its uploads and objects', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'mock-persist-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const first = await startMockServer({ dataDir });
  const id = await initiate(first, 'persist.bin');
  const part = await putPart(first, 'persist.bin', id, 1, Buffer.from('kept across restarts'));
  await ossRequest(first, { method: 'PUT', bucket: BUCKET, key: 'obj.txt', body: 'object' });
  await first.close();
  // A data file without a record, as a crash between the rename and the record write leaves it.
  const orphan = join(dataDir, 'buckets', BUCKET, 'uploads', id, 'part-9.0123456789ab.data');
  await writeFile(orphan, 'orphan');

  const second = await startMockServer({ dataDir });
  t.teardown(() => second.close());
  await t.rejects(stat(orphan), { code: 'ENOENT' }, 'reloading removes data files no record names');
  const listed = await ossRequest(second, { method: 'GET', bucket: BUCKET, key: 'persist.bin', query: { uploadId: id } });
  t.equal(xmlField(listed.text, 'ETag'), part.headers['etag']);
  const done = await complete(second, 'persist.bin', id, [{ partNumber: 1, etag: part.headers['etag']! }]);
  t.equal(done.status, 200);
  t.equal((await second.readObject(BUCKET, 'persist.bin')).toString(), 'kept across restarts');
  t.equal((await second.readObject(BUCKET, 'obj.txt')).toString(), 'object');
});
