// Object ACL: PutObjectAcl / GetObjectAcl, and x-oss-object-acl on PutObject and InitiateMultipartUpload.
import t from 'tap';
import { BUCKET, complete, initiate, ossRequest, putPart, withMockServer, xmlField } from './mock-server-helpers.js';
import type { MockServer } from '../lib/mock-server/index.js';

const getAcl = async (server: MockServer, key: string, sign: 'v1' | 'v4' = 'v1'): Promise<string | undefined> =>
  xmlField((await ossRequest(server, { method: 'GET', bucket: BUCKET, key, query: { acl: '' }, sign })).text, 'Grant');

t.test('an object starts with the default ACL; PutObjectAcl changes it and leaves the data', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'a', body: 'hello world' });
  const reply = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'a', query: { acl: '' } });
  t.equal(reply.status, 200);
  t.match(reply.text, /<AccessControlPolicy[ >][\s\S]*<Owner><ID>[^<]+<\/ID><DisplayName>[^<]+<\/DisplayName><\/Owner>[\s\S]*<AccessControlList><Grant>default<\/Grant><\/AccessControlList>/);
  for (const acl of ['public-read', 'public-read-write', 'private', 'default']) {
    const set = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'a', query: { acl: '' }, headers: { 'x-oss-object-acl': acl }, sign: 'v4' });
    t.equal(set.status, 200, set.text);
    t.equal(await getAcl(server, 'a', 'v4'), acl);
  }
  t.equal((await server.readObject(BUCKET, 'a')).toString(), 'hello world');
});

t.test('x-oss-object-acl on PutObject and on InitiateMultipartUpload', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'p', body: 'x', headers: { 'x-oss-object-acl': 'public-read' } });
  t.equal(await getAcl(server, 'p'), 'public-read');
  const uploadId = await initiate(server, 'm', { 'x-oss-object-acl': 'private' });
  const part = await putPart(server, 'm', uploadId, 1, Buffer.from('part'));
  await complete(server, 'm', uploadId, [{ partNumber: 1, etag: part.headers['etag']! }]);
  t.equal(await getAcl(server, 'm'), 'private');
});

t.test('a bad ACL, a missing header or a missing object', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'a', body: 'x' });
  const bad = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'a', query: { acl: '' }, headers: { 'x-oss-object-acl': 'public' } });
  t.equal(bad.status, 400);
  t.equal(xmlField(bad.text, 'Code'), 'InvalidArgument');
  const none = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'a', query: { acl: '' } });
  t.equal(none.status, 400);
  const onPut = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'b', body: 'x', headers: { 'x-oss-object-acl': 'everyone' } });
  t.equal(onPut.status, 400, 'PutObject refuses a bad ACL too');
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'b' })).status, 404, 'and stores nothing');
  const missing = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'nope', query: { acl: '' } });
  t.equal(missing.status, 404);
  t.equal(xmlField(missing.text, 'Code'), 'NoSuchKey');
});
