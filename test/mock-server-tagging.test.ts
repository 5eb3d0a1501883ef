// Object tagging: Put/Get/DeleteObjectTagging, x-oss-tagging on PutObject and multipart
// uploads, x-oss-tagging-count on HEAD, and OSS's tag limits.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUCKET, complete, initiate, ossRequest, putPart, withMockServer, xmlField } from './mock-server-helpers.js';
import { startMockServer, type MockServer } from '../lib/mock-server/index.js';

const taggingXml = (tags: Array<[string, string]>): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Tagging><TagSet>${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`;
const putTags = (server: MockServer, key: string, tags: Array<[string, string]>, headers: Record<string, string> = {}) =>
  ossRequest(server, { method: 'PUT', bucket: BUCKET, key, query: { tagging: '' }, headers: { 'content-type': 'application/xml', ...headers }, body: taggingXml(tags) });
const getTags = async (server: MockServer, key: string): Promise<string[]> => {
  const reply = await ossRequest(server, { method: 'GET', bucket: BUCKET, key, query: { tagging: '' }, sign: 'v4' });
  if (reply.status !== 200) throw new Error(reply.text);
  return [...reply.text.matchAll(/<Tag><Key>([^<]*)<\/Key><Value>([^<]*)<\/Value><\/Tag>/g)].map((m) => `${m[1]}=${m[2]}`);
};

t.test('put, get, replace and delete the tags of an object', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'o', body: 'data' });
  const empty = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'o', query: { tagging: '' } });
  t.equal(empty.status, 200);
  t.match(empty.text, /<Tagging[^>]*>\s*<TagSet><\/TagSet>/);
  t.notOk((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'o' })).headers['x-oss-tagging-count']);

  const body = taggingXml([['a', '1'], ['b', '2']]);
  const set = await putTags(server, 'o', [['a', '1'], ['b', '2']], { 'content-md5': createHash('md5').update(body).digest('base64') });
  t.equal(set.status, 200, set.text);
  t.same(await getTags(server, 'o'), ['a=1', 'b=2']);
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'o' })).headers['x-oss-tagging-count'], '2');
  t.equal((await putTags(server, 'o', [['a', '1']])).status, 200);
  t.same(await getTags(server, 'o'), ['a=1'], 'a put replaces the whole set');

  const deleted = await ossRequest(server, { method: 'DELETE', bucket: BUCKET, key: 'o', query: { tagging: '' } });
  t.equal(deleted.status, 204);
  t.same(await getTags(server, 'o'), []);
  t.equal((await server.readObject(BUCKET, 'o')).toString(), 'data', 'tagging never touches the data');
});

t.test('x-oss-tagging on PutObject and InitiateMultipartUpload', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'p', body: 'x', headers: { 'x-oss-tagging': 'k1=v%201&k2=' } });
  t.same(await getTags(server, 'p'), ['k1=v 1', 'k2=']);
  const uploadId = await initiate(server, 'm', { 'x-oss-tagging': 'project=x' });
  const part = await putPart(server, 'm', uploadId, 1, Buffer.from('part'));
  await complete(server, 'm', uploadId, [{ partNumber: 1, etag: part.headers['etag']! }]);
  t.same(await getTags(server, 'm'), ['project=x']);
});

t.test('limits: 10 tags, 128-byte keys, 256-byte values, allowed characters; bad XML; missing object', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'o', body: 'x' });
  const eleven = Array.from({ length: 11 }, (_, i): [string, string] => [`k${i}`, String(i)]);
  t.equal((await putTags(server, 'o', eleven)).status, 400);
  t.equal(xmlField((await putTags(server, 'o', [['k'.repeat(129), '1']])).text, 'Code'), 'InvalidTag');
  t.equal(xmlField((await putTags(server, 'o', [['a', 'v'.repeat(257)]])).text, 'Code'), 'InvalidTag');
  t.equal(xmlField((await putTags(server, 'o', [['a', '错误@#']])).text, 'Code'), 'InvalidTag');
  t.equal((await putTags(server, 'o', [['中文 +-=._:/', 'ok']])).status, 200, 'letters of any script and + - = . _ : / are allowed');
  const onPut = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'q', body: 'x', headers: { 'x-oss-tagging': 'a=%40' } });
  t.equal(xmlField(onPut.text, 'Code'), 'InvalidTag');
  const malformed = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'o', query: { tagging: '' }, body: '<Tagging><TagSet>' });
  t.equal(malformed.status, 400);
  t.equal(xmlField(malformed.text, 'Code'), 'MalformedXML');
  t.equal(xmlField((await putTags(server, 'missing', [['a', '1']])).text, 'Code'), 'NoSuchKey');
});

t.test('tags and ACLs of objects and of uploads in progress survive a restart', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'mock-tags-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const first = await startMockServer({ dataDir });
  await ossRequest(first, { method: 'PUT', bucket: BUCKET, key: 'o', body: 'x', headers: { 'x-oss-tagging': 'a=1', 'x-oss-object-acl': 'public-read' } });
  const uploadId = await initiate(first, 'm', { 'x-oss-tagging': 'b=2', 'x-oss-object-acl': 'private' });
  const part = await putPart(first, 'm', uploadId, 1, Buffer.from('part'));
  await first.close();

  const second = await startMockServer({ dataDir });
  t.teardown(() => second.close());
  await complete(second, 'm', uploadId, [{ partNumber: 1, etag: part.headers['etag']! }]);
  t.same(await getTags(second, 'o'), ['a=1']);
  t.same(await getTags(second, 'm'), ['b=2']);
  const acl = async (key: string) => xmlField((await ossRequest(second, { method: 'GET', bucket: BUCKET, key, query: { acl: '' } })).text, 'Grant');
  t.equal(await acl('o'), 'public-read');
  t.equal(await acl('m'), 'private');
});
