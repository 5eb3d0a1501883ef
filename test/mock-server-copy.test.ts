// CopyObject: data and ETag copied, metadata and tagging directives, copy-source conditions,
// other buckets, copying onto itself, and the errors OSS answers with.
import t from 'tap';
import { createHash } from 'node:crypto';
import { BUCKET, ossRequest, patternBytes, withMockServer, xmlField, type OssReply } from './mock-server-helpers.js';
import type { MockServer } from '../lib/mock-server/index.js';

const put = (server: MockServer, key: string, body: Buffer | string, headers: Record<string, string> = {}, bucket = BUCKET): Promise<OssReply> =>
  ossRequest(server, { method: 'PUT', bucket, key, body, headers });
const copy = (server: MockServer, key: string, source: string, headers: Record<string, string> = {}, sign: 'v1' | 'v4' = 'v1'): Promise<OssReply> =>
  ossRequest(server, { method: 'PUT', bucket: BUCKET, key, headers: { 'x-oss-copy-source': source, ...headers }, sign });
const head = (server: MockServer, key: string): Promise<OssReply> => ossRequest(server, { method: 'HEAD', bucket: BUCKET, key });

t.test('CopyObject copies data, ETag, CRC-64 and (COPY) headers and metadata', async (t) => {
  const server = await withMockServer(t);
  const data = patternBytes(200_000, 5);
  const source = await put(server, 'src/a.bin', data, { 'content-type': 'text/x-a', 'cache-control': 'no-cache', 'x-oss-meta-uid': '1', 'x-oss-meta-pid': '123' });
  t.equal(source.status, 200);

  for (const sign of ['v1', 'v4'] as const) {
    const key = `dst/${sign}/a copy+é.bin`;
    const copied = await copy(server, key, `/${BUCKET}/${encodeURIComponent('src/a.bin')}`, {}, sign);
    t.equal(copied.status, 200, copied.text);
    t.match(copied.text, /^<\?xml[^>]*\?>\s*<CopyObjectResult[ >]/);
    t.equal(xmlField(copied.text, 'ETag'), source.headers['etag']);
    t.ok(!Number.isNaN(Date.parse(xmlField(copied.text, 'LastModified')!)), 'LastModified is a date');
    t.same(await server.readObject(BUCKET, key), data);
    const info = await head(server, key);
    t.equal(info.headers['etag'], source.headers['etag']);
    t.equal(info.headers['x-oss-hash-crc64ecma'], source.headers['x-oss-hash-crc64ecma']);
    t.equal(info.headers['content-type'], 'text/x-a');
    t.equal(info.headers['cache-control'], 'no-cache');
    t.equal(info.headers['x-oss-meta-uid'], '1');
    t.equal(info.headers['x-oss-meta-pid'], '123');
  }
});

t.test('x-oss-metadata-directive REPLACE takes headers and metadata from the request', async (t) => {
  const server = await withMockServer(t);
  await put(server, 'm/src', 'hello', { 'content-type': 'text/plain', 'x-oss-meta-uid': '1', 'x-oss-meta-pid': '123' });
  const replaced = await copy(server, 'm/dst', `/${BUCKET}/m%2Fsrc`, { 'x-oss-metadata-directive': 'REPLACE', 'x-oss-meta-uid': '2', 'content-disposition': 'attachment; filename=x' });
  t.equal(replaced.status, 200, replaced.text);
  const info = await head(server, 'm/dst');
  t.equal(info.headers['x-oss-meta-uid'], '2');
  t.notOk(info.headers['x-oss-meta-pid'], 'metadata not in the request is gone');
  t.equal(info.headers['content-disposition'], 'attachment; filename=x');
  t.equal(info.headers['content-type'], 'application/octet-stream', 'REPLACE without Content-Type gets the default');

  // Copying an object onto itself with REPLACE changes its metadata and keeps its data.
  const self = await copy(server, 'm/src', `/${BUCKET}/m%2Fsrc`, { 'x-oss-metadata-directive': 'REPLACE', 'cache-control': 'max-age=0, s-maxage=86400' });
  t.equal(self.status, 200, self.text);
  const after = await head(server, 'm/src');
  t.equal(after.headers['cache-control'], 'max-age=0, s-maxage=86400');
  t.notOk(after.headers['x-oss-meta-uid']);
  t.equal((await server.readObject(BUCKET, 'm/src')).toString(), 'hello');

  const bad = await copy(server, 'm/dst', `/${BUCKET}/m%2Fsrc`, { 'x-oss-metadata-directive': 'MERGE' });
  t.equal(bad.status, 400);
  t.equal(xmlField(bad.text, 'Code'), 'InvalidArgument');
});

t.test('copies from another bucket; missing source bucket or key', async (t) => {
  const server = await withMockServer(t, { buckets: [BUCKET, 'other-bucket'] });
  await put(server, 'o/x.txt', 'other', {}, 'other-bucket');
  const copied = await copy(server, 'from-other', '/other-bucket/o%2Fx.txt');
  t.equal(copied.status, 200, copied.text);
  t.equal((await server.readObject(BUCKET, 'from-other')).toString(), 'other');

  const noKey = await copy(server, 'x', `/${BUCKET}/not-there`);
  t.equal(noKey.status, 404);
  t.equal(xmlField(noKey.text, 'Code'), 'NoSuchKey');
  t.equal(xmlField(noKey.text, 'Message'), 'The specified key does not exist.');
  const noBucket = await copy(server, 'x', '/no-such-bucket/k');
  t.equal(noBucket.status, 404);
  t.equal(xmlField(noBucket.text, 'Code'), 'NoSuchBucket');
  const malformed = await copy(server, 'x', 'just-a-key');
  t.equal(malformed.status, 400);
  t.equal(xmlField(malformed.text, 'Code'), 'InvalidArgument');
});

t.test('copy-source conditions: If-Match / If-Unmodified-Since → 412, If-None-Match / If-Modified-Since → 304', async (t) => {
  const server = await withMockServer(t);
  const source = await put(server, 'c/src', 'conditions');
  const etag = source.headers['etag']!;
  const modified = Date.parse(source.headers['date']!);
  const day = 24 * 3600 * 1000;
  const at = (ms: number): string => new Date(ms).toUTCString();
  const src = `/${BUCKET}/c%2Fsrc`;

  const failed = await copy(server, 'c/dst', src, { 'x-oss-copy-source-if-match': '"0000"' });
  t.equal(failed.status, 412);
  t.equal(xmlField(failed.text, 'Code'), 'PreconditionFailed');
  t.equal(xmlField(failed.text, 'Condition'), 'If-Match');
  t.equal((await copy(server, 'c/dst', src, { 'x-oss-copy-source-if-match': etag })).status, 200);

  const notModified = await copy(server, 'c/none', src, { 'x-oss-copy-source-if-none-match': etag });
  t.equal(notModified.status, 304);
  t.equal(notModified.body.length, 0);
  t.equal((await head(server, 'c/none')).status, 404, 'a 304 copies nothing');
  t.equal((await copy(server, 'c/dst', src, { 'x-oss-copy-source-if-none-match': '"0000"' })).status, 200);

  t.equal((await copy(server, 'c/dst', src, { 'x-oss-copy-source-if-modified-since': at(modified + day) })).status, 304);
  t.equal((await copy(server, 'c/dst', src, { 'x-oss-copy-source-if-modified-since': at(modified) })).status, 304, 'same second: not modified');
  t.equal((await copy(server, 'c/dst', src, { 'x-oss-copy-source-if-modified-since': at(modified - day) })).status, 200);

  t.equal((await copy(server, 'c/dst', src, { 'x-oss-copy-source-if-unmodified-since': at(modified + day) })).status, 200);
  t.equal((await copy(server, 'c/dst', src, { 'x-oss-copy-source-if-unmodified-since': at(modified) })).status, 200);
  const changed = await copy(server, 'c/dst', src, { 'x-oss-copy-source-if-unmodified-since': at(modified - day) });
  t.equal(changed.status, 412);
  t.equal(xmlField(changed.text, 'Condition'), 'If-Unmodified-Since');
});

t.test('ACL, storage class, tagging directive and forbid-overwrite on a copy', async (t) => {
  const server = await withMockServer(t);
  await put(server, 't/src', 'tagged', { 'x-oss-tagging': 'a=1&b=2', 'x-oss-storage-class': 'IA' });
  const tagsOf = async (key: string): Promise<string[]> => {
    const reply = await ossRequest(server, { method: 'GET', bucket: BUCKET, key, query: { tagging: '' } });
    return [...reply.text.matchAll(/<Key>([^<]*)<\/Key><Value>([^<]*)<\/Value>/g)].map((m) => `${m[1]}=${m[2]}`);
  };
  await copy(server, 't/kept', `/${BUCKET}/t%2Fsrc`);
  t.same(await tagsOf('t/kept'), ['a=1', 'b=2'], 'tags are copied by default');
  t.equal((await head(server, 't/kept')).headers['x-oss-storage-class'], 'IA', "the storage class defaults to the source's");
  await copy(server, 't/replaced', `/${BUCKET}/t%2Fsrc`, { 'x-oss-tagging-directive': 'Replace', 'x-oss-tagging': 'c=3', 'x-oss-storage-class': 'Standard', 'x-oss-object-acl': 'private' });
  t.same(await tagsOf('t/replaced'), ['c=3']);
  t.equal((await head(server, 't/replaced')).headers['x-oss-storage-class'], 'Standard');
  const acl = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 't/replaced', query: { acl: '' } });
  t.equal(xmlField(acl.text, 'Grant'), 'private');

  const refused = await copy(server, 't/kept', `/${BUCKET}/t%2Fsrc`, { 'x-oss-forbid-overwrite': 'true' });
  t.equal(refused.status, 409);
  t.equal(xmlField(refused.text, 'Code'), 'FileAlreadyExists');
});

t.test('an archived source must be restored before it can be copied', async (t) => {
  const server = await withMockServer(t, { restoreDelayMs: 0 });
  await put(server, 'arch/src', 'cold', { 'x-oss-storage-class': 'Archive' });
  const refused = await copy(server, 'arch/dst', `/${BUCKET}/arch%2Fsrc`);
  t.equal(refused.status, 403);
  t.equal(xmlField(refused.text, 'Code'), 'InvalidObjectState');
  t.equal((await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'arch/src', query: { restore: '' } })).status, 202);
  const copied = await copy(server, 'arch/dst', `/${BUCKET}/arch%2Fsrc`);
  t.equal(copied.status, 200, copied.text);
  t.equal(createHash('md5').update(await server.readObject(BUCKET, 'arch/dst')).digest('hex'), createHash('md5').update('cold').digest('hex'));
});
