// UploadPartCopy: a range of an object becomes a part with the range's MD5 and CRC-64, and the
// completed object is exactly the copied bytes.
import t from 'tap';
import { createHash } from 'node:crypto';
import { BUCKET, complete, initiate, ossRequest, patternBytes, withMockServer, xmlField, type OssReply } from './mock-server-helpers.js';
import type { MockServer } from '../lib/mock-server/index.js';

const partCopy = (server: MockServer, key: string, uploadId: string, partNumber: number, headers: Record<string, string>, sign: 'v1' | 'v4' = 'v1'): Promise<OssReply> =>
  ossRequest(server, { method: 'PUT', bucket: BUCKET, key, query: { partNumber: String(partNumber), uploadId }, headers, sign });

t.test('parts copied by range complete into the source bytes', async (t) => {
  const server = await withMockServer(t);
  const data = patternBytes(350_000, 11);
  t.equal((await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'big/src', body: data })).status, 200);
  const uploadId = await initiate(server, 'big/dst');
  const source = { 'x-oss-copy-source': `/${BUCKET}/big%2Fsrc` };
  const ranges: Array<[number, number]> = [[0, 199_999], [200_000, 349_999]];
  const parts = [];
  for (const [i, [first, last]] of ranges.entries()) {
    const reply = await partCopy(server, 'big/dst', uploadId, i + 1, { ...source, 'x-oss-copy-source-range': `bytes=${first}-${last}` }, i === 0 ? 'v1' : 'v4');
    t.equal(reply.status, 200, reply.text);
    const md5 = createHash('md5').update(data.subarray(first, last + 1)).digest('hex').toUpperCase();
    t.equal(reply.headers['etag'], `"${md5}"`, 'the part ETag is the MD5 of the range');
    t.match(reply.text, /<CopyPartResult[ >]/);
    t.equal(xmlField(reply.text, 'ETag'), `"${md5}"`);
    parts.push({ partNumber: i + 1, etag: reply.headers['etag']! });
  }
  const listed = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'big/dst', query: { uploadId } });
  t.same([...listed.text.matchAll(/<Size>(\d+)<\/Size>/g)].map((m) => Number(m[1])), [200_000, 150_000]);
  const done = await complete(server, 'big/dst', uploadId, parts);
  t.equal(done.status, 200, done.text);
  t.same(await server.readObject(BUCKET, 'big/dst'), data);
});

t.test('without a range the whole source is copied; a range past the end is 416', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 's', body: 'whole object' });
  const uploadId = await initiate(server, 'd');
  const whole = await partCopy(server, 'd', uploadId, 1, { 'x-oss-copy-source': `/${BUCKET}/s` });
  t.equal(whole.headers['etag'], `"${createHash('md5').update('whole object').digest('hex').toUpperCase()}"`);
  const beyond = await partCopy(server, 'd', uploadId, 2, { 'x-oss-copy-source': `/${BUCKET}/s`, 'x-oss-copy-source-range': 'bytes=100-200' });
  t.equal(beyond.status, 416);
  t.equal(xmlField(beyond.text, 'Code'), 'InvalidRange');
});

t.test('errors: no such upload, no such source, failed copy-source condition', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 's', body: 'abc' });
  const uploadId = await initiate(server, 'd');
  const noUpload = await partCopy(server, 'd', 'F'.repeat(32), 1, { 'x-oss-copy-source': `/${BUCKET}/s` });
  t.equal(xmlField(noUpload.text, 'Code'), 'NoSuchUpload');
  const noSource = await partCopy(server, 'd', uploadId, 1, { 'x-oss-copy-source': `/${BUCKET}/missing` });
  t.equal(noSource.status, 404);
  t.equal(xmlField(noSource.text, 'Code'), 'NoSuchKey');
  const failed = await partCopy(server, 'd', uploadId, 1, { 'x-oss-copy-source': `/${BUCKET}/s`, 'x-oss-copy-source-if-match': '"00"' });
  t.equal(failed.status, 412);
  const badPart = await partCopy(server, 'd', uploadId, 10_001, { 'x-oss-copy-source': `/${BUCKET}/s` });
  t.equal(xmlField(badPart.text, 'Code'), 'InvalidArgument');
  t.same(server.listUploads(BUCKET)[0]!.parts, [], 'no part was stored');
});
