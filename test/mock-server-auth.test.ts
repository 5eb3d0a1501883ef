// Authentication in the mock: V1 and V4, header and presigned, are accepted when right and
// rejected with OSS's codes when tampered with, expired, skewed or signed with the wrong key.
import t from 'tap';
import { request } from 'undici';
import { presignQueryV1 } from '../lib/signer/v1.js';
import { presignQueryV4 } from '../lib/signer/v4.js';
import { encodeQuery } from '../lib/transport/endpoint.js';
import type { MockServer } from '../lib/mock-server/index.js';
import { BUCKET, CREDS, ossRequest, pathFor, withMockServer, xmlField } from './mock-server-helpers.js';

async function putSample(server: MockServer, key = 'auth/sample.txt'): Promise<void> {
  const reply = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: 'sample' });
  if (reply.status !== 200) throw new Error(reply.text);
}

async function getUrl(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await request(url, { headers });
  return { status: response.statusCode, text: await response.body.text() };
}

t.test('V1 and V4 header signatures are accepted, including odd keys', async (t) => {
  const server = await withMockServer(t);
  for (const key of ['plain.txt', 'with space/and+plus/ünïcödé.txt', "!'()*~.txt", 'a%2Fb.txt']) {
    for (const sign of ['v1', 'v4'] as const) {
      const put = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: `${sign}:${key}`, sign, headers: { 'x-oss-meta-signed': 'yes', 'content-type': 'text/plain' } });
      t.equal(put.status, 200, `${sign} PUT ${key}: ${xmlField(put.text, 'Code') ?? ''}`);
      const get = await ossRequest(server, { method: 'GET', bucket: BUCKET, key, sign });
      t.equal(get.text, `${sign}:${key}`, `${sign} GET ${key}`);
    }
  }
});

t.test('V4 accepts whitespace after commas and additional signed headers', async (t) => {
  const server = await withMockServer(t);
  await putSample(server);
  const spaced = await ossRequest(server, {
    method: 'GET',
    bucket: BUCKET,
    key: 'auth/sample.txt',
    sign: 'v4',
    afterSign: (h) => {
      h['authorization'] = h['authorization']!.replace(/,/g, ', ');
    },
  });
  t.equal(spaced.status, 200, 'doc-style ", " separators');

  const { signRequestV4 } = await import('../lib/signer/v4.js');
  const headers: Record<string, string> = { 'x-custom': 'signed-too' };
  signRequestV4({ method: 'GET', bucket: BUCKET, key: 'auth/sample.txt', query: {}, headers }, CREDS, new Date(), { region: 'cn-hangzhou', additionalHeaders: ['x-custom'] });
  t.match(headers['authorization'], /AdditionalHeaders=x-custom,/);
  t.equal((await getUrl(`${server.url}${pathFor(BUCKET, 'auth/sample.txt')}`, headers)).status, 200);
  const changed = await getUrl(`${server.url}${pathFor(BUCKET, 'auth/sample.txt')}`, { ...headers, 'x-custom': 'changed' });
  t.equal(changed.status, 403);
  t.equal(xmlField(changed.text, 'Code'), 'SignatureDoesNotMatch', 'an additional header is covered by the signature');
  const { ['x-custom']: _dropped, ...withoutHeader } = headers;
  const missing = await getUrl(`${server.url}${pathFor(BUCKET, 'auth/sample.txt')}`, withoutHeader);
  t.equal(xmlField(missing.text, 'Code'), 'InvalidArgument', 'a listed additional header must be present');
});

t.test('tampered requests are rejected with SignatureDoesNotMatch and the server StringToSign', async (t) => {
  const server = await withMockServer(t);
  await putSample(server);
  const base = { method: 'PUT', bucket: BUCKET, key: 'auth/tamper.txt', body: 'data', headers: { 'x-oss-meta-a': '1', 'content-type': 'text/plain' } };

  for (const sign of ['v1', 'v4'] as const) {
    const headerChanged = await ossRequest(server, { ...base, sign, afterSign: (h) => (h['x-oss-meta-a'] = '2') });
    t.equal(headerChanged.status, 403);
    t.equal(xmlField(headerChanged.text, 'Code'), 'SignatureDoesNotMatch', `${sign}: changed x-oss header`);
    t.match(xmlField(headerChanged.text, 'StringToSign'), sign === 'v1' ? /x-oss-meta-a:2/ : /^OSS4-HMAC-SHA256\n/);
    t.equal(xmlField(headerChanged.text, 'OSSAccessKeyId'), CREDS.accessKeyId);
    const bytes = xmlField(headerChanged.text, 'StringToSignBytes')!;
    t.equal(Buffer.from(bytes.split(' ').map((b) => parseInt(b, 16))).toString('utf8'), xmlField(headerChanged.text, 'StringToSign')!.replace(/&amp;/g, '&'));
    if (sign === 'v4') t.match(xmlField(headerChanged.text, 'CanonicalRequest'), /^PUT\n\/test-bucket\/auth\/tamper\.txt\n/);

    const typeChanged = await ossRequest(server, { ...base, sign, afterSign: (h) => (h['content-type'] = 'text/html') });
    t.equal(xmlField(typeChanged.text, 'Code'), 'SignatureDoesNotMatch', `${sign}: changed Content-Type`);

    const keyChanged = await ossRequest(server, { ...base, sign, rawPath: pathFor(BUCKET, 'auth/other.txt') });
    t.equal(xmlField(keyChanged.text, 'Code'), 'SignatureDoesNotMatch', `${sign}: request sent to another key`);

    const wrongSecret = await ossRequest(server, { ...base, sign, creds: { ...CREDS, accessKeySecret: 'wrong' } });
    t.equal(xmlField(wrongSecret.text, 'Code'), 'SignatureDoesNotMatch', `${sign}: wrong secret`);

    const unknownKey = await ossRequest(server, { ...base, sign, creds: { accessKeyId: 'nobody', accessKeySecret: 'x' } });
    t.equal(unknownKey.status, 403);
    t.equal(xmlField(unknownKey.text, 'Code'), 'InvalidAccessKeyId', `${sign}: unknown access key`);
    t.equal(xmlField(unknownKey.text, 'OSSAccessKeyId'), 'nobody');

    const old = await ossRequest(server, { ...base, sign, now: new Date(Date.now() - 20 * 60 * 1000) });
    t.equal(old.status, 403);
    t.equal(xmlField(old.text, 'Code'), 'RequestTimeTooSkewed', `${sign}: 20 minutes old`);
    t.equal(xmlField(old.text, 'MaxAllowedSkewMilliseconds'), '900000');
    t.ok(xmlField(old.text, 'ServerTime') && xmlField(old.text, 'RequestTime'));

    const fine = await ossRequest(server, { ...base, sign, now: new Date(Date.now() - 10 * 60 * 1000) });
    t.equal(fine.status, 200, `${sign}: 10 minutes of skew is tolerated`);
  }
  t.notOk(server.stats.requests['GetObject'], 'no request was misrouted');
});

t.test('missing or malformed credentials', async (t) => {
  const server = await withMockServer(t);
  await putSample(server);
  const anonymous = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'auth/sample.txt', sign: 'none' });
  t.equal(anonymous.status, 403);
  t.equal(xmlField(anonymous.text, 'Code'), 'AccessDenied');

  const noDate = await ossRequest(server, {
    method: 'GET',
    bucket: BUCKET,
    key: 'auth/sample.txt',
    afterSign: (h) => {
      delete h['x-oss-date'];
    },
  });
  t.equal(noDate.status, 403);
  t.equal(xmlField(noDate.text, 'Code'), 'AccessDenied', 'V1 without Date or x-oss-date');

  const dateHeaderOnly = await ossRequest(server, {
    method: 'GET',
    bucket: BUCKET,
    key: 'auth/sample.txt',
    afterSign: (h) => {
      // Signed over x-oss-date; moving it to Date changes the canonical headers, so it must fail...
      h['date'] = h['x-oss-date']!;
      delete h['x-oss-date'];
    },
  });
  t.equal(xmlField(dateHeaderOnly.text, 'Code'), 'SignatureDoesNotMatch');
  t.match(xmlField(dateHeaderOnly.text, 'StringToSign'), /^GET\n\n\n[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4}/, '...but the Date header fills the date line');

  const garbage = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'auth/sample.txt', sign: 'none', headers: { authorization: 'Bearer abc' } });
  t.equal(garbage.status, 400);
  t.equal(xmlField(garbage.text, 'Code'), 'InvalidArgument');

  const notUnsigned = await ossRequest(server, {
    method: 'GET',
    bucket: BUCKET,
    key: 'auth/sample.txt',
    sign: 'v4',
    afterSign: (h) => {
      h['x-oss-content-sha256'] = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    },
  });
  t.equal(xmlField(notUnsigned.text, 'Code'), 'InvalidArgument', 'V4 payload hash must be UNSIGNED-PAYLOAD');

  const badIsoDate = await ossRequest(server, {
    method: 'GET',
    bucket: BUCKET,
    key: 'auth/sample.txt',
    sign: 'v4',
    afterSign: (h) => {
      h['x-oss-date'] = new Date().toUTCString();
    },
  });
  t.equal(badIsoDate.status, 403);
  t.equal(xmlField(badIsoDate.text, 'Code'), 'AccessDenied', 'V4 x-oss-date must be ISO 8601 basic');
});

t.test('setClockSkew moves the server clock: Date header and skew checks follow it', async (t) => {
  const server = await withMockServer(t);
  server.setClockSkew(60 * 60 * 1000);
  const skewed = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { uploads: '' } });
  t.equal(xmlField(skewed.text, 'Code'), 'RequestTimeTooSkewed');
  const serverDate = Date.parse(skewed.headers['date']!);
  t.ok(serverDate - Date.now() > 50 * 60 * 1000, 'the Date header shows the skewed clock');
  const corrected = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { uploads: '' }, now: new Date(serverDate) });
  t.equal(corrected.status, 200, 'signing with the server time works');
});

t.test('presigned URLs: V1 and V4 accepted, expiry and tampering rejected', async (t) => {
  const server = await withMockServer(t);
  await putSample(server, 'pre/signed file+x.txt');
  const target = { method: 'GET', bucket: BUCKET, key: 'pre/signed file+x.txt', query: {}, headers: {} };
  const url = (query: Record<string, string>) => `${server.url}${pathFor(BUCKET, 'pre/signed file+x.txt')}${encodeQuery(query)}`;

  const v1 = presignQueryV1(target, CREDS, Math.floor(Date.now() / 1000) + 300);
  t.same(await getUrl(url(v1)), { status: 200, text: 'sample' }, 'V1 presigned GET');
  const v1Expired = await getUrl(url(presignQueryV1(target, CREDS, Math.floor(Date.now() / 1000) - 5)));
  t.equal(v1Expired.status, 403);
  t.equal(xmlField(v1Expired.text, 'Code'), 'AccessDenied');
  t.equal(xmlField(v1Expired.text, 'Message'), 'Request has expired.');
  const v1Tampered = await getUrl(url({ ...v1, Expires: String(Number(v1['Expires']) + 1) }));
  t.equal(xmlField(v1Tampered.text, 'Code'), 'SignatureDoesNotMatch');

  const v4 = presignQueryV4(target, CREDS, new Date(), 300, { region: 'cn-hangzhou' });
  t.same(await getUrl(url(v4)), { status: 200, text: 'sample' }, 'V4 presigned GET');
  const v4Expired = await getUrl(url(presignQueryV4(target, CREDS, new Date(Date.now() - 120_000), 60, { region: 'cn-hangzhou' })));
  t.equal(xmlField(v4Expired.text, 'Message'), 'Request has expired.');
  const tooLong = await getUrl(url(presignQueryV4(target, CREDS, new Date(), 604_801, { region: 'cn-hangzhou' })));
  t.equal(xmlField(tooLong.text, 'Code'), 'InvalidArgument', 'x-oss-expires is capped at 7 days');
  const v4Tampered = await getUrl(url({ ...v4, 'x-oss-expires': '301' }));
  t.equal(xmlField(v4Tampered.text, 'Code'), 'SignatureDoesNotMatch');
  const otherKey = await getUrl(`${server.url}${pathFor(BUCKET, 'auth/other.txt')}${encodeQuery(v4)}`);
  t.equal(xmlField(otherKey.text, 'Code'), 'SignatureDoesNotMatch', 'a presigned URL works for its key only');
});

t.test('STS credentials need their security token', async (t) => {
  const sts = { accessKeyId: 'STS.mock', accessKeySecret: 'sts-secret', securityToken: 'sts-token-value' };
  const server = await withMockServer(t, { credentials: [CREDS, sts] });
  for (const sign of ['v1', 'v4'] as const) {
    const ok = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'sts.txt', body: 'x', sign, creds: sts });
    t.equal(ok.status, 200, `${sign}: token sent and signed`);
    const noToken = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'sts.txt', body: 'x', sign, creds: { ...sts, securityToken: undefined } });
    t.equal(noToken.status, 403);
    t.equal(xmlField(noToken.text, 'Code'), 'InvalidSecurityToken', `${sign}: token missing`);
    const wrongToken = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'sts.txt', body: 'x', sign, creds: { ...sts, securityToken: 'other' } });
    t.equal(xmlField(wrongToken.text, 'Code'), 'InvalidSecurityToken', `${sign}: wrong token`);
    const tokenOnLongTermKey = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'sts.txt', body: 'x', sign, creds: { ...CREDS, securityToken: 'x' } });
    t.equal(xmlField(tokenOnLongTermKey.text, 'Code'), 'InvalidSecurityToken', `${sign}: a long-term key with a token`);
    const mismatch = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'sts.txt', body: 'x', sign, creds: sts, afterSign: (h) => (h['x-oss-meta-late'] = '1') });
    t.equal(xmlField(mismatch.text, 'Code'), 'SignatureDoesNotMatch');
    t.notMatch(mismatch.text, /sts-token-value/, 'the token is not echoed back in the error');
  }
  const presigned = presignQueryV1({ method: 'GET', bucket: BUCKET, key: 'sts.txt', query: {}, headers: {} }, sts, Math.floor(Date.now() / 1000) + 60);
  t.equal((await getUrl(`${server.url}${pathFor(BUCKET, 'sts.txt')}${encodeQuery(presigned)}`)).status, 200, 'V1 presigned with security-token');
});

t.test('a configured region must match the V4 scope', async (t) => {
  const server = await withMockServer(t, { region: 'cn-shanghai' });
  const wrong = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { uploads: '' }, sign: 'v4', region: 'cn-hangzhou' });
  t.equal(wrong.status, 403);
  t.match(xmlField(wrong.text, 'Message'), /region/);
  const right = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { uploads: '' }, sign: 'v4', region: 'cn-shanghai' });
  t.equal(right.status, 200);
});

t.test('virtual-hosted style requests', async (t) => {
  const server = await withMockServer(t, { virtualHostSuffix: 'oss-mock.localhost' });
  await putSample(server, 'vh/file.txt');
  for (const sign of ['v1', 'v4'] as const) {
    const headers: Record<string, string> = {};
    const { signRequest } = await import('../lib/signer/index.js');
    signRequest({ method: 'GET', bucket: BUCKET, key: 'vh/file.txt', query: {}, headers }, CREDS, new Date(), { version: sign, region: 'cn-hangzhou' });
    const response = await request(`${server.url}/vh/file.txt`, { headers: { ...headers, host: `${BUCKET}.oss-mock.localhost` } });
    t.equal(await response.body.text(), 'sample', `${sign}: bucket from the Host header`);
  }
  const { signRequest } = await import('../lib/signer/index.js');
  const headers: Record<string, string> = {};
  signRequest({ method: 'GET', bucket: 'no-such-bucket', key: 'x', query: {}, headers }, CREDS, new Date(), { version: 'v1' });
  const missing = await request(`${server.url}/x`, { headers: { ...headers, host: 'no-such-bucket.oss-mock.localhost' } });
  const text = await missing.body.text();
  t.equal(missing.statusCode, 404);
  t.equal(xmlField(text, 'Code'), 'NoSuchBucket');
  t.equal(xmlField(text, 'BucketName'), 'no-such-bucket');
});

t.test('bucket names are validated, unknown buckets are NoSuchBucket, PutBucket creates one', async (t) => {
  const server = await withMockServer(t);
  const invalid = await ossRequest(server, { method: 'GET', bucket: 'Bad_Bucket', key: 'x' });
  t.equal(invalid.status, 400);
  t.equal(xmlField(invalid.text, 'Code'), 'InvalidBucketName');
  const unknown = await ossRequest(server, { method: 'GET', bucket: 'other-bucket', key: 'x' });
  t.equal(unknown.status, 404);
  t.equal(xmlField(unknown.text, 'Code'), 'NoSuchBucket');
  t.equal(xmlField(unknown.text, 'BucketName'), 'other-bucket');
  t.equal((await ossRequest(server, { method: 'PUT', bucket: 'other-bucket' })).status, 200);
  t.equal((await ossRequest(server, { method: 'PUT', bucket: 'other-bucket', key: 'x', body: 'now it exists' })).status, 200);
  await server.createBucket('third-bucket');
  t.equal((await ossRequest(server, { method: 'GET', bucket: 'third-bucket', query: { uploads: '' } })).status, 200);
});
