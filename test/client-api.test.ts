// OssClient against the real mock server over loopback: every API round trip, with V1 and V4
// signing, the error codes a caller must handle, and faults surfacing as typed errors/retries.
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { OssClient } from '../lib/client.js';
import { OssCancelledError, OssInvalidArgumentError, OssNetworkError, OssServiceError } from '../lib/errors.js';
import { crc64OfParts } from '../lib/hash/crc64.js';
import { startMockServer, DEFAULT_MOCK_CREDENTIALS, type MockServer } from '../lib/mock-server/index.js';

const PART = 102400;
let server: MockServer;
let dir: string;
let file: string;
let data: Buffer;

t.before(async () => {
  server = await startMockServer({ buckets: ['api-bucket'] });
  dir = await mkdtemp(join(tmpdir(), 'client-api-'));
  data = randomBytes(PART * 2 + 12345);
  file = join(dir, 'data.bin');
  await writeFile(file, data);
});
t.teardown(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function client(extra: Partial<ConstructorParameters<typeof OssClient>[0]> = {}): OssClient {
  const c = new OssClient({ endpoint: server.url, bucket: 'api-bucket', credentials: DEFAULT_MOCK_CREDENTIALS, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra });
  t.teardown(() => c.close());
  return c;
}

const md5hex = (b: Uint8Array) => createHash('md5').update(b).digest('hex').toUpperCase();

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

for (const version of ['v1', 'v4'] as const) {
  t.test(`multipart round trip, signed ${version}`, async (t) => {
    const c = client(version === 'v4' ? { signatureVersion: 'v4', region: 'cn-hangzhou' } : {});
    t.equal(c.signatureVersion, version);
    const key = `dir/${version}/naïve key+with spaces.bin`;
    const init = await c.initiateMultipartUpload({ key, headers: { 'Content-Type': 'application/x-test' }, meta: { owner: 'tests' } });
    t.equal(init.key, key);
    t.equal(init.bucket, 'api-bucket');
    t.match(init.uploadId, /^\S+$/);
    t.ok(init.requestId);

    const ranges = [[0, PART], [PART, 2 * PART], [2 * PART, data.length]] as const;
    const bodies = [
      { file, start: ranges[0][0], end: ranges[0][1] },
      data.subarray(ranges[1][0], ranges[1][1]),
      { stream: () => Readable.from([data.subarray(ranges[2][0], ranges[2][1])]), length: ranges[2][1] - ranges[2][0] },
    ];
    const parts = [];
    let progressed = 0;
    for (const [i, body] of bodies.entries()) {
      const r = await c.uploadPart({ key, uploadId: init.uploadId, partNumber: i + 1, body, onBodyProgress: (n) => (progressed += n) });
      t.equal(r.etag, `"${md5hex(data.subarray(ranges[i]![0], ranges[i]![1]))}"`);
      t.match(r.crc64, /^\d+$/);
      parts.push(r);
    }
    t.equal(progressed, data.length, 'body progress counts every byte once');

    const listed = await c.listParts({ key, uploadId: init.uploadId, maxParts: 2 });
    t.equal(listed.parts.length, 2);
    t.equal(listed.isTruncated, true);
    t.equal(listed.nextPartNumberMarker, 2);
    const all = await c.listAllParts({ key, uploadId: init.uploadId, maxParts: 1 });
    t.same(all.map((p) => [p.partNumber, p.size, p.etag, p.crc64]), parts.map((p, i) => [i + 1, ranges[i]![1] - ranges[i]![0], p.etag, p.crc64]));

    const uploads = await c.listAllMultipartUploads({ prefix: `dir/${version}/`, maxUploads: 1 });
    t.same(uploads.map((u) => [u.key, u.uploadId]), [[key, init.uploadId]]);

    const done = await c.completeMultipartUpload({ key, uploadId: init.uploadId, parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })) });
    t.match(done.etag, /-3"$/);
    const expectedCrc = crc64OfParts(parts.map((p, i) => ({ crc64: p.crc64!, size: ranges[i]![1] - ranges[i]![0] }))).toString();
    t.equal(done.crc64, expectedCrc, 'object CRC-64 is the combine of the part CRCs');

    const head = await c.headObject({ key });
    t.equal(head.size, data.length);
    t.equal(head.crc64, expectedCrc);
    t.equal(head.contentType, 'application/x-test');
    t.same(head.meta, { owner: 'tests' });

    const got = await c.getObject({ key });
    t.ok((await readAll(got.body)).equals(data), 'GetObject returns the bytes uploaded');
    const ranged = await c.getObject({ key, range: { start: 10, end: 19 } });
    t.equal(ranged.status, 206);
    t.ok((await readAll(ranged.body)).equals(data.subarray(10, 20)));

    const again = await c.abortMultipartUpload({ key, uploadId: init.uploadId }).catch((e) => e);
    t.type(again, OssServiceError);
    t.equal(again.code, 'NoSuchUpload', 'a completed upload id no longer exists');
  });
}

t.test('PutObject with Content-MD5 and forbid-overwrite', async (t) => {
  const c = client();
  const body = randomBytes(5000);
  const put = await c.putObject({ key: 'small.bin', body, headers: { 'x-oss-forbid-overwrite': 'true' } });
  t.equal(put.etag, `"${md5hex(body)}"`);
  const err = await c.putObject({ key: 'small.bin', body, headers: { 'x-oss-forbid-overwrite': 'true' } }).catch((e) => e);
  t.type(err, OssServiceError);
  t.equal(err.code, 'FileAlreadyExists');
  t.equal(err.status, 409);
  const empty = await c.putObject({ key: 'empty.bin', body: Buffer.alloc(0) });
  t.equal(empty.etag, '"D41D8CD98F00B204E9800998ECF8427E"');
  t.equal((await c.headObject({ key: 'empty.bin' })).size, 0);
});

t.test('complete-all, abort, and the error codes of the multipart APIs', async (t) => {
  const c = client();
  const key = 'errors.bin';
  const { uploadId } = await c.initiateMultipartUpload({ key });
  const small = await c.uploadPart({ key, uploadId, partNumber: 1, body: Buffer.alloc(1000, 1) });
  const last = await c.uploadPart({ key, uploadId, partNumber: 2, body: Buffer.alloc(10, 2) });

  const tooSmall = await c.completeMultipartUpload({ key, uploadId, parts: [{ partNumber: 1, etag: small.etag }, { partNumber: 2, etag: last.etag }] }).catch((e) => e);
  t.equal(tooSmall.code, 'EntityTooSmall');
  const order = await c.completeMultipartUpload({ key, uploadId, parts: [{ partNumber: 2, etag: last.etag }, { partNumber: 1, etag: small.etag }] }).catch((e) => e);
  t.equal(order.code, 'InvalidPartOrder');
  const wrongEtag = await c.completeMultipartUpload({ key, uploadId, parts: [{ partNumber: 1, etag: last.etag }] }).catch((e) => e);
  t.equal(wrongEtag.code, 'InvalidPart');
  const badDigest = await c.uploadPart({ key, uploadId, partNumber: 3, body: Buffer.from('abc'), contentMd5: 'XUFAKrxLKna5cZ2REBfFkg==' }).catch((e) => e);
  t.equal(badDigest.code, 'InvalidDigest');
  t.equal(badDigest.status, 400);

  // A single (last) part of any size completes; complete-all takes every uploaded part.
  const { uploadId: u2 } = await c.initiateMultipartUpload({ key: 'all.bin' });
  await c.uploadPart({ key: 'all.bin', uploadId: u2, partNumber: 1, body: Buffer.alloc(PART, 7) });
  await c.uploadPart({ key: 'all.bin', uploadId: u2, partNumber: 2, body: Buffer.alloc(3, 8) });
  const all = await c.completeMultipartUpload({ key: 'all.bin', uploadId: u2, completeAll: true });
  t.match(all.etag, /-2"$/);
  t.equal((await c.headObject({ key: 'all.bin' })).size, PART + 3);

  await c.abortMultipartUpload({ key, uploadId });
  const gone = await c.listParts({ key, uploadId }).catch((e) => e);
  t.equal(gone.code, 'NoSuchUpload');
  t.equal(gone.status, 404);

  const missing = await c.headObject({ key: 'nope' }).catch((e) => e);
  t.equal(missing.code, 'NoSuchKey');
  t.ok(missing.requestId);
  const noBucket = await c.headObject({ key: 'k', bucket: 'no-such-bucket' }).catch((e) => e);
  t.equal(noBucket.code, 'NoSuchBucket');
});

t.test('wrong credentials and tampering are rejected with the server explaining why', async (t) => {
  const wrongSecret = await client({ credentials: { accessKeyId: DEFAULT_MOCK_CREDENTIALS.accessKeyId, accessKeySecret: 'not-the-secret' } })
    .initiateMultipartUpload({ key: 'k' })
    .catch((e) => e);
  t.type(wrongSecret, OssServiceError);
  t.equal(wrongSecret.code, 'SignatureDoesNotMatch');
  t.match(wrongSecret.extras.StringToSign, /^POST\n/);
  t.notMatch(wrongSecret.message, /not-the-secret/);
  const wrongV4 = await client({ signatureVersion: 'v4', region: 'cn-hangzhou', credentials: { accessKeyId: DEFAULT_MOCK_CREDENTIALS.accessKeyId, accessKeySecret: 'nope' } })
    .headObject({ key: 'k' })
    .catch((e) => e);
  t.equal(wrongV4.code, 'SignatureDoesNotMatch');
  const unknown = await client({ credentials: { accessKeyId: 'who', accessKeySecret: 'x' } }).initiateMultipartUpload({ key: 'k' }).catch((e) => e);
  t.equal(unknown.code, 'InvalidAccessKeyId');
  t.equal(unknown.status, 403);
});

t.test('bad names fail before any request', async (t) => {
  const c = client();
  const before = server.stats.requests['InitiateMultipartUpload'] ?? 0;
  for (const key of ['', '/abs', '\\abs', 'a\u0000b', 'x'.repeat(1024)]) {
    t.type(await c.initiateMultipartUpload({ key }).catch((e) => e), OssInvalidArgumentError, JSON.stringify(key.slice(0, 8)));
  }
  for (const bucket of ['UPPER', 'ab', '-dash', 'under_score']) {
    t.type(await c.initiateMultipartUpload({ key: 'k', bucket }).catch((e) => e), OssInvalidArgumentError, bucket);
  }
  t.type(await c.uploadPart({ key: 'k', uploadId: 'u', partNumber: 10001, body: Buffer.alloc(1) }).catch((e) => e), OssInvalidArgumentError);
  t.type(await c.uploadPart({ key: 'k', uploadId: 'u', partNumber: 1, body: { file: join(dir, 'missing'), start: 0, end: 5 } }).catch((e) => e), OssInvalidArgumentError);
  t.equal(server.stats.requests['InitiateMultipartUpload'] ?? 0, before);
});

t.test('faults: dropped connections, 5xx and stalls are retried; exhausted retries are typed', async (t) => {
  const c = client({ timeouts: { headersMs: 300 } });
  const key = 'faults.bin';
  const { uploadId } = await c.initiateMultipartUpload({ key });
  server.stats.reset();
  server.faults.add({ api: 'UploadPart', partNumber: 1, action: { type: 'drop', afterBytes: 50_000 } });
  server.faults.add({ api: 'UploadPart', partNumber: 1, action: { type: 'error', status: 503, code: 'SlowDown' } });
  server.faults.add({ api: 'UploadPart', partNumber: 1, action: { type: 'stall', ms: 1500 } });
  const retries: string[] = [];
  const r = await c.uploadPart({ key, uploadId, partNumber: 1, body: { file, start: 0, end: PART }, onRetry: (_n, e) => retries.push(e.constructor.name) });
  t.equal(r.etag, `"${md5hex(data.subarray(0, PART))}"`);
  t.same(retries, ['OssNetworkError', 'OssServiceError', 'OssNetworkError']);
  t.equal(server.stats.partUploads.get(`${uploadId}:1`), 4);
  t.equal(server.faults.pending(), 0);

  // Bounded by time, not by a count: a part that fails every time is retried for the budget.
  server.faults.add({ api: 'UploadPart', partNumber: 2, times: Infinity, action: { type: 'drop', afterBytes: 1000 } });
  const budgeted = client({ retry: { baseDelayMs: 5, maxDelayMs: 20, retryForMs: 400 } });
  const failed = await budgeted.uploadPart({ key, uploadId, partNumber: 2, body: { file, start: PART, end: 2 * PART } }).catch((e) => e);
  t.type(failed, OssNetworkError);
  t.ok(server.stats.partUploads.get(`${uploadId}:2`)! > 4, 'more attempts than the old count of 4 fit in the budget');
  t.match(failed.message, /gave up after \d+ attempts in [\d.]+ s without a successful request: the retry budget is 0.4 s/);
  server.faults.clear();

  server.faults.add({ api: 'UploadPart', action: { type: 'forget' } });
  const forgotten = await c.uploadPart({ key, uploadId, partNumber: 2, body: Buffer.alloc(10) }).catch((e) => e);
  t.equal(forgotten.code, 'NoSuchUpload');
});

t.test('clock skew on the server is corrected by the client', async (t) => {
  server.setClockSkew(2 * 3600_000);
  t.teardown(() => server.setClockSkew(0));
  const c = client();
  const r = await c.putObject({ key: 'skew.bin', body: Buffer.from('x') });
  t.ok(r.etag);
  t.ok(Math.abs(c.transport.clock.offsetMs - 2 * 3600_000) < 10_000, 'client adopted the server clock');
});

t.test('cancelling an upload of a part stops it at once', async (t) => {
  const c = client();
  const { uploadId } = await c.initiateMultipartUpload({ key: 'cancel.bin' });
  server.faults.add({ api: 'UploadPart', action: { type: 'stall', ms: 5000 } });
  t.teardown(() => server.faults.clear());
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const err = await c.uploadPart({ key: 'cancel.bin', uploadId, partNumber: 1, body: Buffer.alloc(10), signal: ac.signal }).catch((e) => e);
  t.type(err, OssCancelledError);
});
