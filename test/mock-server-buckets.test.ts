// Bucket operations: ListBuckets (GET / on the service endpoint), DeleteBucket, GetBucketInfo and
// Get/PutBucketAcl, with what PutBucket records (x-oss-acl, StorageClass, DataRedundancyType).
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUCKET, ossRequest, rawExchange, signedRequestHead, withMockServer, xmlField, xmlFields } from './mock-server-helpers.js';
import { startMockServer, type MockServer } from '../lib/mock-server/index.js';

const putBucket = (server: MockServer, bucket: string, headers: Record<string, string> = {}, body?: string) =>
  ossRequest(server, { method: 'PUT', bucket, headers: body ? { 'content-type': 'application/xml', ...headers } : headers, body });
const listBuckets = (server: MockServer, query: Record<string, string> = {}, sign: 'v1' | 'v4' = 'v1') => ossRequest(server, { method: 'GET', query, sign });

t.test('ListBuckets: every bucket by name, with the owner; prefix; marker and max-keys paging', async (t) => {
  const server = await withMockServer(t);
  for (const name of ['beta-2', 'alpha', 'beta-1']) t.equal((await putBucket(server, name)).status, 200);
  for (const sign of ['v1', 'v4'] as const) {
    const all = await listBuckets(server, {}, sign);
    t.equal(all.status, 200, all.text);
    t.match(all.text, /^<\?xml[^>]*>\s*<ListAllMyBucketsResult>/, `${sign}: a bare root`);
    t.same(xmlFields(all.text, 'Name'), ['alpha', 'beta-1', 'beta-2', BUCKET], `${sign}: sorted by name`);
    t.equal(xmlField(all.text, 'ID'), 'mock-owner');
    t.equal(xmlField(all.text, 'IsTruncated'), undefined, 'paging fields only when the list is cut short');
  }
  const bucket = /<Bucket>([\s\S]*?)<\/Bucket>/.exec((await listBuckets(server, { prefix: 'alpha' })).text)![1]!;
  t.match(bucket, /<CreationDate>\d{4}-\d\d-\d\dT[\d:.]+Z<\/CreationDate>/);
  t.equal(xmlField(bucket, 'Location'), 'oss-cn-hangzhou');
  t.equal(xmlField(bucket, 'Region'), 'cn-hangzhou');
  t.equal(xmlField(bucket, 'StorageClass'), 'Standard');

  t.same(xmlFields((await listBuckets(server, { prefix: 'beta' })).text, 'Name'), ['beta-1', 'beta-2']);
  const first = await listBuckets(server, { 'max-keys': '2' });
  t.same(xmlFields(first.text, 'Name'), ['alpha', 'beta-1']);
  t.equal(xmlField(first.text, 'IsTruncated'), 'true');
  t.equal(xmlField(first.text, 'MaxKeys'), '2');
  const rest = await listBuckets(server, { 'max-keys': '2', marker: xmlField(first.text, 'NextMarker')! });
  t.same(xmlFields(rest.text, 'Name'), ['beta-2', BUCKET]);
  t.equal(xmlField(rest.text, 'IsTruncated'), undefined, 'the last page');
  t.equal(xmlField((await listBuckets(server, { 'max-keys': 'x' })).text, 'Code'), 'InvalidArgument');
  t.equal((await ossRequest(server, { method: 'GET', sign: 'none' })).status, 403, 'unsigned is refused');
});

t.test('PutBucket records ACL, storage class and redundancy; GetBucketInfo and GetBucketAcl show them; PutBucketAcl changes the ACL', async (t) => {
  const server = await withMockServer(t);
  const body = '<?xml version="1.0" encoding="UTF-8"?><CreateBucketConfiguration><StorageClass>Archive</StorageClass><DataRedundancyType>ZRS</DataRedundancyType></CreateBucketConfiguration>';
  const created = await putBucket(server, 'archive-bucket', { 'x-oss-acl': 'public-read', 'content-md5': createHash('md5').update(body).digest('base64') }, body);
  t.equal(created.status, 200, created.text);

  const info = await ossRequest(server, { method: 'GET', bucket: 'archive-bucket', query: { bucketInfo: '' }, sign: 'v4' });
  t.equal(info.status, 200, info.text);
  t.match(info.text, /^<\?xml[^>]*>\s*<BucketInfo>\s*<Bucket>/, 'a bare root');
  t.equal(xmlField(info.text, 'Name'), 'archive-bucket');
  t.equal(xmlField(info.text, 'StorageClass'), 'Archive');
  t.equal(xmlField(info.text, 'DataRedundancyType'), 'ZRS');
  t.equal(xmlField(info.text, 'Grant'), 'public-read');
  t.equal(xmlField(info.text, 'Location'), 'oss-cn-hangzhou');
  t.equal(xmlField(info.text, 'ExtranetEndpoint'), `127.0.0.1:${server.port}`, 'the endpoint the client used');
  t.equal(xmlField(info.text, 'SSEAlgorithm'), 'None');
  t.match(xmlField(info.text, 'CreationDate'), /^\d{4}-\d\d-\d\dT/);

  const acl = async (bucket: string) => xmlField((await ossRequest(server, { method: 'GET', bucket, query: { acl: '' } })).text, 'Grant');
  t.equal(await acl('archive-bucket'), 'public-read');
  t.equal(await acl(BUCKET), 'private', 'a bucket created without x-oss-acl is private');
  const changed = await ossRequest(server, { method: 'PUT', bucket: BUCKET, query: { acl: '' }, headers: { 'x-oss-acl': 'public-read-write' } });
  t.equal(changed.status, 200, changed.text);
  t.equal(await acl(BUCKET), 'public-read-write');
  t.equal(xmlField((await ossRequest(server, { method: 'PUT', bucket: BUCKET, query: { acl: '' }, headers: { 'x-oss-acl': 'default' } })).text, 'Code'), 'InvalidArgument', '"default" is an object ACL, not a bucket one');
  t.equal(xmlField((await ossRequest(server, { method: 'PUT', bucket: BUCKET, query: { acl: '' } })).text, 'Code'), 'InvalidArgument', 'PutBucketAcl needs x-oss-acl');
  t.equal(xmlField((await putBucket(server, 'bad-class', {}, '<CreateBucketConfiguration><StorageClass>Glacier</StorageClass></CreateBucketConfiguration>')).text, 'Code'), 'InvalidArgument');
  t.equal(xmlField((await putBucket(server, 'bad-acl', { 'x-oss-acl': 'everyone' })).text, 'Code'), 'InvalidArgument');
  t.equal(xmlField((await putBucket(server, 'bad-xml', {}, '<CreateBucketConfiguration>')).text, 'Code'), 'MalformedXML');
  t.same(xmlFields((await listBuckets(server)).text, 'Name'), ['archive-bucket', BUCKET], 'refused PutBuckets create nothing');
  t.match((await listBuckets(server)).text, /<Name>archive-bucket<\/Name><Region>cn-hangzhou<\/Region><StorageClass>Archive<\/StorageClass>/, 'ListBuckets shows the storage class');
});

t.test('a missing bucket is NoSuchBucket (404) for GetBucketInfo, GetBucketAcl, PutBucketAcl and DeleteBucket', async (t) => {
  const server = await withMockServer(t);
  const calls: Array<{ method: string; query: Record<string, string>; headers?: Record<string, string> }> = [
    { method: 'GET', query: { bucketInfo: '' } },
    { method: 'GET', query: { acl: '' } },
    { method: 'PUT', query: { acl: '' }, headers: { 'x-oss-acl': 'private' } },
    { method: 'DELETE', query: {} },
  ];
  for (const call of calls) {
    for (const sign of ['v1', 'v4'] as const) {
      const reply = await ossRequest(server, { ...call, bucket: 'no-such-bucket', sign });
      t.equal(reply.status, 404, `${call.method} ${JSON.stringify(call.query)} ${sign}`);
      t.equal(xmlField(reply.text, 'Code'), 'NoSuchBucket');
      t.equal(xmlField(reply.text, 'BucketName'), 'no-such-bucket');
    }
  }
  const unsigned = await ossRequest(server, { method: 'GET', bucket: 'no-such-bucket', query: { bucketInfo: '' }, sign: 'none' });
  t.equal(unsigned.status, 403, 'authentication comes first');
});

t.test('DeleteBucket: BucketNotEmpty while objects or multipart uploads remain, 204 once empty, and gone after a restart', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'mock-buckets-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startMockServer({ dataDir });
  t.teardown(() => server.close());
  await putBucket(server, 'doomed');
  const deleteDoomed = () => ossRequest(server, { method: 'DELETE', bucket: 'doomed' });

  await ossRequest(server, { method: 'PUT', bucket: 'doomed', key: 'o', body: 'x' });
  const withObject = await deleteDoomed();
  t.equal(withObject.status, 409);
  t.equal(xmlField(withObject.text, 'Code'), 'BucketNotEmpty');
  t.equal((await ossRequest(server, { method: 'DELETE', bucket: 'doomed', key: 'o' })).status, 204);

  const uploadId = (await ossRequest(server, { method: 'POST', bucket: 'doomed', key: 'u', query: { uploads: '' } })).text.match(/<UploadId>(\w+)<\/UploadId>/)![1]!;
  const withUpload = await deleteDoomed();
  t.equal(xmlField(withUpload.text, 'Code'), 'BucketNotEmpty', 'an upload in progress keeps the bucket');
  t.equal((await ossRequest(server, { method: 'DELETE', bucket: 'doomed', key: 'u', query: { uploadId } })).status, 204);

  const deleted = await deleteDoomed();
  t.equal(deleted.status, 204, deleted.text);
  t.equal(xmlField((await ossRequest(server, { method: 'GET', bucket: 'doomed', query: { bucketInfo: '' } })).text, 'Code'), 'NoSuchBucket');
  t.equal(xmlField((await ossRequest(server, { method: 'PUT', bucket: 'doomed', key: 'late', body: 'x' })).text, 'Code'), 'NoSuchBucket', 'no writes to a deleted bucket');
  t.same(xmlFields((await listBuckets(server)).text, 'Name'), [BUCKET]);
  t.equal(xmlField((await deleteDoomed()).text, 'Code'), 'NoSuchBucket', 'deleting twice');
  await server.close();

  const again = await startMockServer({ dataDir, buckets: [] });
  t.teardown(() => again.close());
  t.same(xmlFields((await listBuckets(again)).text, 'Name'), [BUCKET], 'the deleted bucket stays deleted');
  t.equal((await putBucket(again, 'doomed')).status, 200, 'and its name can be used again');
  t.same(xmlFields((await ossRequest(again, { method: 'GET', bucket: 'doomed' })).text, 'Key'), [], 'by a new, empty bucket');
});

t.test('a PutObject still receiving its body when its bucket is deleted gets NoSuchBucket, not an internal error', async (t) => {
  const server = await withMockServer(t);
  await putBucket(server, 'short-lived');
  const head = signedRequestHead(server, { method: 'PUT', bucket: 'short-lived', key: 'late', headers: { 'content-length': '10', 'content-type': 'text/plain', connection: 'close' } });
  const answer = await rawExchange(server, async (socket) => {
    socket.write(`${head}hello`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.equal((await ossRequest(server, { method: 'DELETE', bucket: 'short-lived' })).status, 204, 'the bucket is empty: nothing is committed yet');
    socket.write('world');
  });
  t.match(answer, /^HTTP\/1\.1 404 /);
  t.match(answer, /<Code>NoSuchBucket<\/Code>/);
});
