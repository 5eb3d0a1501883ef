// Non-ASCII header values (Chinese metadata, a Content-Disposition file name): sent as their UTF-8
// bytes, signed (V1 and V4) over exactly those bytes, verified and stored byte for byte by the mock,
// with ali-oss (`headerEncoding: 'latin1'`) as the independent peer on both sides.
import t from 'tap';
import OSS from 'ali-oss';
// ali-oss's own signer, as an independent implementation of the signatures.
// @ts-expect-error ali-oss ships no types for its internals
import signUtils from 'ali-oss/lib/common/signUtils.js';
import { OssClient } from '../lib/client.js';
import { OssInvalidArgumentError } from '../lib/errors.js';
import { wireString } from '../lib/signer/header-bytes.js';
import { signRequestV1 } from '../lib/signer/v1.js';
import { signRequestV4 } from '../lib/signer/v4.js';
import { BUCKET, CREDS, ossRequest, withMockServer } from './mock-server-helpers.js';

const META = '阿达的大多';
const DISPOSITION = 'attachment; filename="报告.pdf"';

function requestCount(server: { stats: { requests: Record<string, number> } }): number {
  return Object.values(server.stats.requests).reduce((a, b) => a + b, 0);
}

t.test('V1 and V4 signatures over UTF-8 header bytes are the ones ali-oss computes', async (t) => {
  const now = new Date('2024-05-06T07:08:09Z');
  const wireMeta = wireString(META);
  t.equal(wireMeta, Buffer.from(META, 'utf8').toString('latin1'), 'the value travels as its UTF-8 bytes');

  const v1Headers: Record<string, string> = { 'content-type': 'text/plain', 'x-oss-meta-a': wireMeta };
  signRequestV1({ method: 'PUT', bucket: BUCKET, key: '报告.txt', query: {}, headers: v1Headers }, CREDS, now);
  // ali-oss V1: the canonical string with latin1 header values and key, HMAC over its latin1 bytes.
  const canonical = signUtils.buildCanonicalString('PUT', `/${BUCKET}/${wireString('报告.txt')}`, {
    headers: { 'content-type': 'text/plain', 'x-oss-meta-a': wireMeta, 'x-oss-date': v1Headers['x-oss-date'] },
  });
  t.equal(v1Headers['authorization'], `OSS ${CREDS.accessKeyId}:${signUtils.computeSignature(CREDS.accessKeySecret, canonical, 'latin1')}`);

  const v4Headers: Record<string, string> = { 'content-type': 'text/plain', 'x-oss-meta-a': wireMeta };
  signRequestV4({ method: 'PUT', bucket: BUCKET, key: '报告.txt', query: {}, headers: v4Headers }, CREDS, now, { region: 'cn-hangzhou' });
  const aliV4 = signUtils.authorizationV4(
    CREDS.accessKeyId,
    CREDS.accessKeySecret,
    'cn-hangzhou',
    'PUT',
    { headers: { ...v4Headers, authorization: undefined }, queries: {} },
    BUCKET,
    '报告.txt',
    [],
    'latin1',
  );
  t.equal(v4Headers['authorization'], aliV4);
});

for (const version of ['v1', 'v4'] as const) {
  t.test(`${version}: this client sends Chinese metadata and a Content-Disposition file name; ali-oss reads them back`, async (t) => {
    const server = await withMockServer(t, { buckets: [BUCKET] });
    const client = new OssClient({ endpoint: server.url, bucket: BUCKET, credentials: CREDS, signatureVersion: version, region: 'cn-hangzhou' });
    t.teardown(() => client.close());
    await client.putObject({ key: 'report.bin', body: Buffer.from('data'), meta: { a: META }, headers: { 'Content-Disposition': DISPOSITION } });
    const head = await client.headObject({ key: 'report.bin' });
    t.equal(head.meta['a'], META, 'the metadata reads back as the text it was');
    t.equal(head.headers['content-disposition'], wireString(DISPOSITION), 'the header is returned as the bytes that were sent');

    const initiated = await client.initiateMultipartUpload({ key: 'multi.bin', meta: { a: META } });
    t.ok(initiated.uploadId, 'InitiateMultipartUpload with UTF-8 metadata is accepted too');

    const ali = new OSS({ endpoint: server.url, bucket: BUCKET, ...CREDS, secure: false, headerEncoding: 'latin1', ...(version === 'v4' ? { authorizationV4: true, region: 'oss-cn-hangzhou' } : {}) });
    const aliHead = await ali.head('report.bin');
    t.equal(Buffer.from(aliHead.meta.a, 'latin1').toString('utf8'), META, 'ali-oss receives the same bytes');
  });

  t.test(`${version}: ali-oss with headerEncoding 'latin1' stores Chinese metadata; this client reads it back`, async (t) => {
    const server = await withMockServer(t, { buckets: [BUCKET] });
    const ali = new OSS({ endpoint: server.url, bucket: BUCKET, ...CREDS, secure: false, headerEncoding: 'latin1', ...(version === 'v4' ? { authorizationV4: true, region: 'oss-cn-hangzhou' } : {}) });
    const put = await ali.put('from-ali.txt', Buffer.from('hello'), { meta: { a: META } });
    t.equal(put.res.status, 200, 'the mock accepts the signature ali-oss computed over the bytes');
    const client = new OssClient({ endpoint: server.url, bucket: BUCKET, credentials: CREDS, signatureVersion: version, region: 'cn-hangzhou' });
    t.teardown(() => client.close());
    const head = await client.headObject({ key: 'from-ali.txt' });
    t.equal(head.meta['a'], META);
  });
}

t.test('the mock verifies and stores header bytes as received, even bytes that are not UTF-8', async (t) => {
  const server = await withMockServer(t, { buckets: [BUCKET] });
  const raw = '\xe9t\xe9 \xff'; // latin1 "été ÿ": bytes E9 74 E9 20 FF, not valid UTF-8
  for (const sign of ['v1', 'v4'] as const) {
    const key = `raw-${sign}.bin`;
    const put = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, headers: { 'x-oss-meta-raw': raw }, body: 'x', sign });
    t.equal(put.status, 200, `${sign}: signed over the bytes sent, accepted`);
    const head = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key, sign });
    t.equal(head.headers['x-oss-meta-raw'], raw, `${sign}: returned byte for byte`);
  }
  const tampered = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'tampered.bin', headers: { 'x-oss-meta-raw': raw }, body: 'x', afterSign: (h) => (h['x-oss-meta-raw'] = '\xe9t\xe8 \xff') });
  t.equal(tampered.status, 403, 'one byte changed after signing is caught');
  t.match(tampered.text, /SignatureDoesNotMatch/);
});

t.test('values that cannot be sent (control characters, CR/LF) are refused before any request', async (t) => {
  const server = await withMockServer(t, { buckets: [BUCKET] });
  const client = new OssClient({ endpoint: server.url, bucket: BUCKET, credentials: CREDS });
  t.teardown(() => client.close());
  const before = requestCount(server);
  for (const value of ['line\r\nx-oss-meta-b: injected', 'a\nb', 'bell\x07', 'nul\x00']) {
    await t.rejects(client.putObject({ key: 'k', body: Buffer.from('x'), meta: { a: value } }), OssInvalidArgumentError, JSON.stringify(value));
    await t.rejects(client.putObject({ key: 'k', body: Buffer.from('x'), headers: { 'Content-Disposition': value } }), /without control characters/);
  }
  t.equal(requestCount(server), before, 'nothing was sent');
});
