// GetObjectMeta (HEAD /<key>?objectMeta): ETag, size and Last-Modified only, for any object,
// archived ones included; a missing one is NoSuchKey in the x-oss-err header of a HEAD answer.
import t from 'tap';
import { BUCKET, ossRequest, withMockServer } from './mock-server-helpers.js';

t.test('ETag, Content-Length and Last-Modified; none of the user metadata or other headers', async (t) => {
  const server = await withMockServer(t);
  const put = await ossRequest(server, {
    method: 'PUT', bucket: BUCKET, key: 'm.txt', body: 'twelve bytes',
    headers: { 'content-type': 'text/plain', 'x-oss-meta-owner': 'me', 'x-oss-storage-class': 'Archive' },
  });
  for (const sign of ['v1', 'v4'] as const) {
    const meta = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'm.txt', query: { objectMeta: '' }, sign });
    t.equal(meta.status, 200, `${sign}: an archived object needs no restore for its metadata`);
    t.equal(meta.headers['etag'], put.headers['etag']);
    t.equal(meta.headers['content-length'], '12', 'the object\'s size');
    t.equal(meta.body.length, 0);
    t.equal(meta.headers['last-modified'], (await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'm.txt' })).headers['last-modified']);
    t.notOk(meta.headers['x-oss-meta-owner'], 'no user metadata');
    t.notOk(meta.headers['x-oss-storage-class'], 'no other object headers');
  }
});

t.test('through a symlink: the target\'s ETag and size; missing objects and targets', async (t) => {
  const server = await withMockServer(t);
  const put = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'target', body: 'abc' });
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'link', query: { symlink: '' }, headers: { 'x-oss-symlink-target': 'target' } });
  const meta = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'link', query: { objectMeta: '' } });
  t.equal(meta.headers['etag'], put.headers['etag']);
  t.equal(meta.headers['content-length'], '3');

  const missing = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'nothing', query: { objectMeta: '' } });
  t.equal(missing.status, 404);
  t.match(Buffer.from(missing.headers['x-oss-err']!, 'base64').toString(), /<Code>NoSuchKey<\/Code>/);
  await ossRequest(server, { method: 'DELETE', bucket: BUCKET, key: 'target' });
  const dangling = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'link', query: { objectMeta: '' } });
  t.equal(dangling.status, 404, 'a symlink whose target is gone');
});
