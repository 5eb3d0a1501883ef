// Request-line parsing and routing of the mock (pure functions): addressing styles, decoding
// rules (a '+' stays a plus), the method + sub-resource → API table, and Range parsing.
import t from 'tap';
import { parseRange } from '../lib/mock-server/handlers/read-object.js';
import { MockOssError } from '../lib/mock-server/mock-error.js';
import { parseQuery, parseTarget, routeOperation } from '../lib/mock-server/routing.js';

t.test('parseQuery decodes each piece; + is a literal plus; bare flags are empty strings', async (t) => {
  t.same(parseQuery('uploads'), { uploads: '' });
  t.same(parseQuery('prefix=a+b%2Bc%20d&max-uploads=5&&x='), { prefix: 'a+b+c d', 'max-uploads': '5', x: '' });
  t.same(parseQuery('a=1&a=2'), { a: '1' }, 'the first of repeated names wins');
  t.throws(() => parseQuery('bad=%E0%A4%A'), { code: 'InvalidURI' });
});

t.test('parseTarget: path-style, virtual-hosted, real OSS host names', async (t) => {
  t.same(parseTarget('/bucket/dir/a%20b+c.txt?uploads', '127.0.0.1:9000', undefined), {
    bucket: 'bucket',
    key: 'dir/a b+c.txt',
    query: { uploads: '' },
    rawPath: '/bucket/dir/a%20b+c.txt',
    virtualHosted: false,
  });
  t.same(parseTarget('/bucket/', 'localhost', undefined), { bucket: 'bucket', key: undefined, query: {}, rawPath: '/bucket/', virtualHosted: false });
  t.same(parseTarget('/', 'localhost', undefined), { bucket: undefined, key: undefined, query: {}, rawPath: '/', virtualHosted: false });
  t.same(parseTarget('/k%2Fx', 'my-bucket.oss-mock.localhost:8080', 'oss-mock.localhost'), {
    bucket: 'my-bucket',
    key: 'k/x',
    query: {},
    rawPath: '/k%2Fx',
    virtualHosted: true,
  });
  t.equal(parseTarget('/k', 'bkt.oss-cn-hangzhou.aliyuncs.com', undefined).bucket, 'bkt', 'ali-oss style Host to an IP endpoint');
  t.equal(parseTarget('/bkt/k', 'oss-mock.localhost', 'oss-mock.localhost').bucket, 'bkt', 'the bare suffix is path-style');
  t.equal(parseTarget('http://127.0.0.1:1/bkt/k?uploadId=1', '127.0.0.1', undefined).key, 'k', 'absolute-form targets');
  t.equal(parseTarget('/bkt/%2e%2e%2fx', 'h', undefined).key, '../x', 'dot segments are not resolved (the key check refuses them)');
  t.throws(() => parseTarget('*', 'h', undefined), { code: 'InvalidURI' });
});

t.test('routeOperation maps method and sub-resources to APIs', async (t) => {
  const route = (method: string, key: string | undefined, query: Record<string, string>, headers: Record<string, string> = {}) => routeOperation(method, 'b', key, query, headers);
  t.equal(route('POST', 'k', { uploads: '' }), 'InitiateMultipartUpload');
  t.equal(route('PUT', 'k', { partNumber: '1', uploadId: 'u' }), 'UploadPart');
  t.equal(route('GET', 'k', { uploadId: 'u' }), 'ListParts');
  t.equal(route('POST', 'k', { uploadId: 'u' }), 'CompleteMultipartUpload');
  t.equal(route('DELETE', 'k', { uploadId: 'u' }), 'AbortMultipartUpload');
  t.equal(route('GET', undefined, { uploads: '' }), 'ListMultipartUploads');
  t.equal(route('PUT', 'k', {}), 'PutObject');
  t.equal(route('HEAD', 'k', {}), 'HeadObject');
  t.equal(route('GET', 'k', { 'response-content-type': 'text/plain' }), 'GetObject');
  t.equal(route('DELETE', 'k', {}), 'DeleteObject');
  t.equal(route('PUT', undefined, {}), 'PutBucket');
  t.equal(route('GET', undefined, { prefix: 'p' }), 'ListObjects');
  t.equal(route('PUT', 'k', { partNumber: '1', uploadId: 'u' }, { 'x-oss-copy-source': '/b/x' }), 'UploadPartCopy');
  t.equal(route('PUT', 'k', {}, { 'x-oss-copy-source': '/b/x' }), 'CopyObject');
  t.equal(route('GET', 'k', { acl: '' }), 'GetObjectAcl');
  t.equal(route('PUT', 'k', { acl: '' }), 'PutObjectAcl');
  t.equal(route('DELETE', 'k', { tagging: '' }), 'DeleteObjectTagging');
  t.equal(route('POST', 'k', { append: '', position: '0' }), 'AppendObject');
  t.equal(route('GET', 'k', { symlink: '' }), 'GetSymlink');
  t.equal(route('POST', 'k', { restore: '' }), 'RestoreObject');
  t.equal(route('POST', undefined, {}, { 'content-type': 'multipart/form-data; boundary=x' }), 'PostObject');
  t.throws(() => route('POST', undefined, {}, { 'content-type': 'multipart/form-data; boundary=x', authorization: 'OSS a:b' }), { code: 'NotImplemented' }, 'a form upload carries no Authorization header');
  t.throws(() => route('PUT', 'k', { acl: '', versionId: 'v1' }), { code: 'NotImplemented' }, 'no versioning');
  t.throws(() => route('DELETE', 'k', { acl: '' }), { code: 'NotImplemented' });
  t.equal(route('GET', 'k', { 'x-oss-process': 'image/resize,w_10' }), 'GetProcessedImage');
  t.equal(route('POST', 'k', { 'x-oss-process': '' }), 'ProcessObjectSave');
  t.throws(() => route('POST', 'k', { 'x-oss-process': 'csv/select' }), { code: 'NotImplemented' }, 'SelectObject');
  t.throws(() => route('HEAD', 'k', { 'x-oss-process': 'image/resize,w_10' }), { code: 'NotImplemented' });
  t.throws(() => route('OPTIONS', 'k', {}), { code: 'MethodNotAllowed', status: 405 });
  t.equal(routeOperation('GET', undefined, undefined, {}, {}), 'ListBuckets');
  t.equal(routeOperation('GET', undefined, undefined, { prefix: 'a', 'max-keys': '2' }, {}), 'ListBuckets');
  t.throws(() => routeOperation('GET', undefined, undefined, { regions: '' }, {}), { code: 'NotImplemented' }, 'DescribeRegions is not ListBuckets');
  t.throws(() => routeOperation('PUT', undefined, undefined, {}, {}), { code: 'NotImplemented' });
  t.equal(route('DELETE', undefined, {}), 'DeleteBucket');
  t.equal(route('DELETE', undefined, { OSSAccessKeyId: 'a', Expires: '1', Signature: 's' }), 'DeleteBucket', 'a presigned DeleteBucket');
  t.throws(() => route('DELETE', undefined, { cors: '' }), { code: 'NotImplemented' }, 'DeleteBucketCors never deletes the bucket');
  t.equal(route('GET', undefined, { bucketInfo: '' }), 'GetBucketInfo');
  t.equal(route('GET', undefined, { acl: '' }), 'GetBucketAcl');
  t.equal(route('PUT', undefined, { acl: '' }), 'PutBucketAcl');
  t.equal(route('GET', undefined, { 'list-type': '2', prefix: 'p' }), 'ListObjectsV2');
  t.equal(route('POST', undefined, { delete: '' }), 'DeleteMultipleObjects');
  t.equal(route('HEAD', 'k', { objectMeta: '' }), 'GetObjectMeta');
  t.throws(() => route('GET', 'k', { objectMeta: '' }), { code: 'NotImplemented' }, 'GetObjectMeta is HEAD only');
});

t.test('parseRange', async (t) => {
  t.same(parseRange('bytes=0-0', 10), { start: 0, end: 0 });
  t.same(parseRange('bytes=3-', 10), { start: 3, end: 9 });
  t.same(parseRange('bytes=-4', 10), { start: 6, end: 9 });
  t.same(parseRange('bytes=8-99', 10), { start: 8, end: 9 });
  t.equal(parseRange(undefined, 10), undefined);
  t.equal(parseRange('bytes=-', 10), undefined);
  t.equal(parseRange('bytes=4-3', 10), undefined);
  for (const header of ['bytes=10-', 'bytes=10-12', 'bytes=-0']) {
    const error = (() => {
      try {
        parseRange(header, 10);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    t.ok(error instanceof MockOssError, header);
    t.match(error, { status: 416, code: 'InvalidRange', headers: { 'Content-Range': 'bytes */10' } }, header);
  }
  t.throws(() => parseRange('bytes=-5', 0), { code: 'InvalidRange' }, 'nothing is satisfiable in an empty object');
});
