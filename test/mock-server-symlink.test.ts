// PutSymlink / GetSymlink, and GET / HEAD through a symlink.
import t from 'tap';
import { BUCKET, ossRequest, withMockServer, xmlField } from './mock-server-helpers.js';

t.test('a symlink answers GET and HEAD with its target’s data and its own metadata', async (t) => {
  const server = await withMockServer(t);
  const target = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'oss/target-测试.js', body: 'target body', headers: { 'content-type': 'text/x-target', 'x-oss-meta-t': 'target' } });
  const put = await ossRequest(server, {
    method: 'PUT',
    bucket: BUCKET,
    key: 'oss/symlink-软链接.js',
    query: { symlink: '' },
    headers: { 'x-oss-symlink-target': encodeURIComponent('oss/target-测试.js').replace(/%2F/g, '/'), 'x-oss-storage-class': 'IA', 'x-oss-meta-uid': '1', 'x-oss-meta-slus': 'test.html' },
    sign: 'v4',
  });
  t.equal(put.status, 200, put.text);

  const link = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'oss/symlink-软链接.js', query: { symlink: '' } });
  t.equal(link.status, 200);
  t.equal(decodeURIComponent(link.headers['x-oss-symlink-target']!), 'oss/target-测试.js');
  t.equal(link.body.length, 0);

  const head = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'oss/symlink-软链接.js' });
  t.equal(head.status, 200);
  t.equal(head.headers['x-oss-object-type'], 'Symlink');
  t.equal(head.headers['x-oss-meta-uid'], '1');
  t.equal(head.headers['x-oss-meta-slus'], 'test.html');
  t.notOk(head.headers['x-oss-meta-t'], "the target's metadata is not the symlink's");
  t.equal(head.headers['x-oss-storage-class'], 'IA');
  t.equal(head.headers['content-length'], String('target body'.length));
  t.equal(head.headers['etag'], target.headers['etag']);
  const got = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'oss/symlink-软链接.js', headers: { range: 'bytes=7-' } });
  t.equal(got.status, 206);
  t.equal(got.text, 'body');
  t.equal(got.headers['x-oss-hash-crc64ecma'], target.headers['x-oss-hash-crc64ecma']);
});

t.test('a dangling symlink, GetSymlink on a plain object, a missing target header', async (t) => {
  const server = await withMockServer(t);
  const put = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'dangling', query: { symlink: '' }, headers: { 'x-oss-symlink-target': 'nowhere' } });
  t.equal(put.status, 200, 'the target need not exist');
  const got = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'dangling' });
  t.equal(got.status, 404);
  t.equal(xmlField(got.text, 'Code'), 'SymlinkTargetNotExist');
  t.equal(got.headers['x-oss-ec'], '0026-00000012', "OSS's documented EC for a missing symlink target");
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'nowhere', body: 'now here' });
  t.equal((await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'dangling' })).text, 'now here', 'followed once the target exists');

  const plain = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'nowhere', query: { symlink: '' } });
  t.equal(plain.status, 400);
  t.equal(xmlField(plain.text, 'Code'), 'NotSymlink');
  const missing = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'no-such', query: { symlink: '' } });
  t.equal(xmlField(missing.text, 'Code'), 'NoSuchKey');
  const noTarget = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'l', query: { symlink: '' } });
  t.equal(xmlField(noTarget.text, 'Code'), 'InvalidArgument');
  const refused = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'nowhere', query: { symlink: '' }, headers: { 'x-oss-symlink-target': 'x', 'x-oss-forbid-overwrite': 'true' } });
  t.equal(xmlField(refused.text, 'Code'), 'FileAlreadyExists');
});

t.test('a symlink to a symlink is 400 InvalidTargetType on GET, and in x-oss-err on HEAD', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'data.txt', body: 'data' });
  for (const [link, target] of [['one-link', 'data.txt'], ['two-link', 'one-link']]) {
    t.equal((await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: link!, query: { symlink: '' }, headers: { 'x-oss-symlink-target': target! } })).status, 200);
  }
  t.equal((await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'one-link' })).text, 'data', 'one link is followed');
  const got = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'two-link' });
  t.equal(got.status, 400);
  t.equal(xmlField(got.text, 'Code'), 'InvalidTargetType');
  t.equal(xmlField(got.text, 'Target'), 'one-link');
  const head = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'two-link' });
  t.equal(head.status, 400);
  t.equal(xmlField(Buffer.from(head.headers['x-oss-err']!, 'base64').toString('utf8'), 'Code'), 'InvalidTargetType');
});
