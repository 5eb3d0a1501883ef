// The official Node SDK (ali-oss) against the mock: proof that the mock speaks real OSS, with
// both of ali-oss's signature versions. Configured with nothing but the mock's endpoint and
// credentials: for an IP endpoint ali-oss sends the key as the path and the bucket in
// `Host: <bucket>.oss-cn-hangzhou.aliyuncs.com`, which the mock reads as virtual-hosted style.
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OSS from 'ali-oss';
import { aliOssClient } from './helpers/ali-oss-client.js';
import { BUCKET, CREDS, patternBytes, withMockServer } from './mock-server-helpers.js';

const FILE_BYTES = 3 * 1024 * 1024 + 12345;
const PART_BYTES = 1024 * 1024;

for (const version of ['v1', 'v4'] as const) {
  t.test(`ali-oss with ${version} signatures`, async (t) => {
    const server = await withMockServer(t);
    const dir = await mkdtemp(join(tmpdir(), 'ali-oss-compat-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const data = patternBytes(FILE_BYTES, version === 'v1' ? 11 : 13);
    const file = join(dir, 'upload.bin');
    await writeFile(file, data);

    const client = aliOssClient(server, version);

    const key = `compat/${version}/file with spaces+plus.bin`;
    const result = await client.multipartUpload(key, file, { partSize: PART_BYTES, parallel: 2 });
    t.equal(result.res.status, 200, 'multipartUpload completes');
    t.match(result.etag, /^"[0-9A-F]{32}-4"$/, 'multipart ETag has the -N form');
    t.ok((await server.readObject(BUCKET, key)).equals(data), 'stored bytes are identical');

    const got = await client.get(key);
    t.ok(Buffer.from(got.content).equals(data), 'get returns identical bytes');

    const head = await client.head(key);
    t.equal(head.status, 200);
    t.equal(head.res.headers['content-length'], String(FILE_BYTES));

    // An upload left open: init + two parts, listed, then aborted.
    const open = await client.initMultipartUpload('compat/open.bin');
    const first = await client.uploadPart('compat/open.bin', open.uploadId, 1, file, 0, PART_BYTES);
    await client.uploadPart('compat/open.bin', open.uploadId, 2, file, PART_BYTES, 2 * PART_BYTES);
    const listed = await client.listParts('compat/open.bin', open.uploadId, { 'max-parts': 1000 });
    t.same(
      listed.parts.map((p: { PartNumber: string; Size: string }) => [Number(p.PartNumber), Number(p.Size)]),
      [
        [1, PART_BYTES],
        [2, PART_BYTES],
      ],
    );
    t.equal(listed.parts[0].ETag, first.etag, 'listParts reports the ETag uploadPart returned');
    t.same(server.listUploads(BUCKET).map((u) => u.parts), [[1, 2]]);

    const aborted = await client.abortMultipartUpload('compat/open.bin', open.uploadId);
    t.equal(aborted.res.status, 204);
    t.same(server.listUploads(BUCKET), [], 'abort removed the upload');
    await t.rejects(client.listParts('compat/open.bin', open.uploadId), { code: 'NoSuchUpload', status: 404 });

    const small = Buffer.from('small object via PutObject');
    const put = await client.put('compat/small.txt', small, { headers: { 'x-oss-meta-origin': 'ali-oss' } });
    t.equal(put.res.status, 200);
    t.equal((await client.head('compat/small.txt')).meta.origin, 'ali-oss', 'user metadata round-trips');
    const listing = await client.list({ prefix: 'compat/', delimiter: '/' });
    t.same(listing.prefixes, [`compat/${version}/`]);
    t.same(listing.objects.map((o: { name: string }) => o.name), ['compat/small.txt']);
    await client.delete('compat/small.txt');
    const gone = await client.head('compat/small.txt').then(() => undefined, (error: { status?: number }) => error);
    t.equal(gone?.status, 404, 'head after delete is 404');

    const wrong = new OSS({ endpoint: server.url, bucket: BUCKET, accessKeyId: CREDS.accessKeyId, accessKeySecret: 'not-the-secret', secure: false });
    await t.rejects(wrong.get(key), { code: 'SignatureDoesNotMatch', status: 403 });
  });
}
