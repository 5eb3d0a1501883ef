// Transport behaviour over real loopback HTTP: retries, backoff limits, clock correction,
// STS refresh, cancellation, timeouts and hostile responses.
import t from 'tap';
import { OssClient } from '../lib/client.js';
import { OssCancelledError, OssNetworkError, OssServiceError, OssXmlError, OssChecksumError } from '../lib/errors.js';
import { scriptedServerFor, xmlError, ok } from './helpers/scripted-server.js';

const creds = { accessKeyId: 'ak-transport', accessKeySecret: 'secret-that-must-not-leak' };
const INIT_XML = '<?xml version="1.0"?><InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>k</Key><UploadId>UP1</UploadId></InitiateMultipartUploadResult>';

const server = await scriptedServerFor(t);

function client(extra: Partial<ConstructorParameters<typeof OssClient>[0]> = {}): OssClient {
  const c = new OssClient({ endpoint: server.url, bucket: 'bkt', credentials: creds, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra });
  t.teardown(() => c.close());
  return c;
}

t.test('5xx and 503 SlowDown are retried, then the request succeeds', async (t) => {
  server.script(xmlError(500, 'InternalError'), xmlError(503, 'SlowDown'), ok({}, INIT_XML));
  const result = await client().initiateMultipartUpload({ key: 'k' });
  t.equal(result.uploadId, 'UP1');
  t.equal(server.seen.length, 3);
});

t.test('other 4xx are never retried and surface as OssServiceError with code, status and request id', async (t) => {
  server.script(xmlError(403, 'AccessDenied', 'You have no right to access this object.'));
  const err = await client().initiateMultipartUpload({ key: 'k' }).catch((e) => e);
  t.type(err, OssServiceError);
  t.equal(err.status, 403);
  t.equal(err.code, 'AccessDenied');
  t.equal(err.requestId, 'RID-AccessDenied');
  t.equal(err.operation, 'InitiateMultipartUpload');
  t.match(err.message, /permissions/);
  t.notMatch(err.message, /secret-that-must-not-leak/);
  t.equal(server.seen.length, 1);
});

t.test('retries stop after maxAttempts', async (t) => {
  server.script(xmlError(500, 'InternalError'));
  const err = await client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }).initiateMultipartUpload({ key: 'k' }).catch((e) => e);
  t.type(err, OssServiceError);
  t.equal(err.code, 'InternalError');
  t.equal(server.seen.length, 3);
});

t.test('RequestTimeTooSkewed: the clock is corrected from the server Date and the request is re-signed', async (t) => {
  const serverNow = new Date(Date.now() + 3 * 3600_000);
  server.script((req, res) => {
    res.setHeader('date', serverNow.toUTCString());
    xmlError(403, 'RequestTimeTooSkewed')(req, res, Buffer.alloc(0));
  }, ok({}, INIT_XML));
  const c = client();
  await c.initiateMultipartUpload({ key: 'k' });
  t.equal(server.seen.length, 2);
  const firstDate = Date.parse(String(server.seen[0]!.headers['x-oss-date']));
  const secondDate = Date.parse(String(server.seen[1]!.headers['x-oss-date']));
  t.ok(Math.abs(secondDate - serverNow.getTime()) < 5000, 'second attempt signed with the server clock');
  t.ok(Math.abs(firstDate - Date.now()) < 5000, 'first attempt signed with the local clock');
  t.not(server.seen[0]!.headers['authorization'], server.seen[1]!.headers['authorization']);
});

t.test('an expired STS token triggers one shared refresh of the credentials', async (t) => {
  let calls = 0;
  const provider = async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 10));
    return { accessKeyId: 'sts-ak', accessKeySecret: 'sts-sk', securityToken: `token-${calls}` };
  };
  server.script(xmlError(403, 'SecurityTokenExpired'), xmlError(403, 'SecurityTokenExpired'), ok({}, INIT_XML));
  const c = client({ credentials: provider });
  // Two concurrent requests share the first fetch.
  const [a, b] = await Promise.allSettled([c.initiateMultipartUpload({ key: 'k' }), c.initiateMultipartUpload({ key: 'k' })]);
  t.equal(a.status, 'fulfilled');
  t.equal(b.status, 'fulfilled');
  t.equal(server.seen[0]!.headers['x-oss-security-token'], 'token-1');
  t.equal(server.seen[1]!.headers['x-oss-security-token'], 'token-1');
  t.equal(server.seen.at(-1)!.headers['x-oss-security-token'], 'token-2');
  t.equal(calls, 2, 'one initial fetch, one shared refresh');
});

t.test('a connection dropped mid-response is a retried OssNetworkError', async (t) => {
  server.script((_req, res) => res.socket?.destroy(), ok({}, INIT_XML));
  const result = await client().initiateMultipartUpload({ key: 'k' });
  t.equal(result.uploadId, 'UP1');
  t.equal(server.seen.length, 2);

  server.script((_req, res) => res.socket?.destroy());
  const err = await client({ retry: { maxAttempts: 2, baseDelayMs: 1 } }).initiateMultipartUpload({ key: 'k' }).catch((e) => e);
  t.type(err, OssNetworkError);
  t.match(err.message, /InitiateMultipartUpload/);
});

t.test('connection refused is an OssNetworkError after retries', async (t) => {
  const c = new OssClient({ endpoint: 'http://127.0.0.1:1', bucket: 'bkt', credentials: creds, retry: { maxAttempts: 2, baseDelayMs: 1 } });
  t.teardown(() => c.close());
  const err = await c.headObject({ key: 'k' }).catch((e) => e);
  t.type(err, OssNetworkError);
  t.match(err.message, /ECONNREFUSED/);
});

t.test('a stalled response hits the headers timeout and is retried', async (t) => {
  server.script((_req, res) => setTimeout(() => res.destroyed || ok({}, INIT_XML)(_req, res, Buffer.alloc(0)), 2000), ok({}, INIT_XML));
  const result = await client({ timeouts: { headersMs: 200 } }).initiateMultipartUpload({ key: 'k' });
  t.equal(result.uploadId, 'UP1');
  t.equal(server.seen.length, 2);
});

t.test('an AbortSignal cancels at once, also during backoff', async (t) => {
  server.script((_req, res) => setTimeout(() => res.destroyed || res.end(), 5000));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const started = Date.now();
  const err = await client().initiateMultipartUpload({ key: 'k', signal: controller.signal }).catch((e) => e);
  t.type(err, OssCancelledError);
  t.ok(Date.now() - started < 2000);

  server.script(xmlError(500, 'InternalError'));
  const c2 = new AbortController();
  setTimeout(() => c2.abort(), 150);
  const err2 = await client({ retry: { maxAttempts: 10, baseDelayMs: 10_000, maxDelayMs: 10_000 } })
    .initiateMultipartUpload({ key: 'k', signal: c2.signal })
    .catch((e) => e);
  t.type(err2, OssCancelledError);
});

t.test('hostile or broken responses become typed errors', async (t) => {
  server.script(ok({}, '<html><body>502 Bad Gateway</body></html>'));
  t.type(await client().initiateMultipartUpload({ key: 'k' }).catch((e) => e), OssXmlError);

  server.script(ok({}, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><InitiateMultipartUploadResult><Bucket>&a;</Bucket><Key>k</Key><UploadId>U</UploadId></InitiateMultipartUploadResult>'));
  t.type(await client().initiateMultipartUpload({ key: 'k' }).catch((e) => e), OssXmlError);

  server.script(ok({}, '<InitiateMultipartUploadResult>' + 'x'.repeat(9 * 1024 * 1024)));
  t.type(await client().initiateMultipartUpload({ key: 'k' }).catch((e) => e), OssXmlError, 'an oversized body is refused, not buffered');

  // An HTML error page from a proxy still gives a service error with the status.
  server.script((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html>bad gateway</html>');
  });
  const err = await client({ retry: { maxAttempts: 1 } }).initiateMultipartUpload({ key: 'k' }).catch((e) => e);
  t.type(err, OssServiceError);
  t.equal(err.status, 502);
  t.equal(err.code, 'InternalError');
});

t.test('HEAD errors are read from the x-oss-err header', async (t) => {
  const xml = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>HEADRID</RequestId></Error>';
  server.script((_req, res) => {
    res.writeHead(404, { 'x-oss-err': Buffer.from(xml).toString('base64'), 'x-oss-request-id': 'HEADRID' });
    res.end();
  });
  const err = await client().headObject({ key: 'missing' }).catch((e) => e);
  t.type(err, OssServiceError);
  t.equal(err.code, 'NoSuchKey');
  t.equal(err.requestId, 'HEADRID');
});

t.test('UploadPart: an ETag that is not the MD5 sent is a checksum error', async (t) => {
  server.script(ok({ etag: '"00000000000000000000000000000000"' }));
  const err = await client().uploadPart({ key: 'k', uploadId: 'U', partNumber: 1, body: Buffer.from('hello') }).catch((e) => e);
  t.type(err, OssChecksumError);
  t.equal(server.seen[0]!.headers['content-md5'], 'XUFAKrxLKna5cZ2REBfFkg==');
  server.script(ok({ etag: '"5D41402ABC4B2A76B9719D911017C592"', 'x-oss-hash-crc64ecma': '123' }));
  const good = await client().uploadPart({ key: 'k', uploadId: 'U', partNumber: 2, body: Buffer.from('hello') });
  t.equal(good.crc64, '123');
  t.equal(good.contentMd5, 'XUFAKrxLKna5cZ2REBfFkg==');
});

t.test('virtual-hosted and path-style addressing', async (t) => {
  const { parseEndpoint, requestTarget } = await import('../lib/transport/endpoint.js');
  const oss = parseEndpoint('oss-cn-hangzhou.aliyuncs.com');
  t.equal(oss.pathStyle, false);
  t.same(requestTarget(oss, 'bkt', 'a b/c+d.txt'), { origin: 'https://bkt.oss-cn-hangzhou.aliyuncs.com', path: '/a%20b/c%2Bd.txt' });
  const local = parseEndpoint('http://127.0.0.1:9000');
  t.equal(local.pathStyle, true);
  t.same(requestTarget(local, 'bkt', 'x/y'), { origin: 'http://127.0.0.1:9000', path: '/bkt/x/y' });
  t.same(requestTarget(local, 'bkt', undefined), { origin: 'http://127.0.0.1:9000', path: '/bkt/' });
  t.equal(parseEndpoint('http://localhost:9000').pathStyle, true);
  t.equal(parseEndpoint('https://files.example.com').pathStyle, true);
  t.equal(parseEndpoint('oss-cn-hangzhou.aliyuncs.com', true).pathStyle, true);
  t.throws(() => parseEndpoint('ftp://x'));
  t.throws(() => parseEndpoint('http://host/path'));
});

t.test('signature version defaults: v4 where the region is known, v1 otherwise', async (t) => {
  const real = new OssClient({ endpoint: 'https://oss-cn-shanghai.aliyuncs.com', credentials: creds });
  t.equal(real.signatureVersion, 'v4');
  t.equal(real.region, 'cn-shanghai');
  const local = new OssClient({ endpoint: server.url, credentials: creds });
  t.equal(local.signatureVersion, 'v1');
  t.throws(() => new OssClient({ endpoint: server.url, credentials: creds, signatureVersion: 'v4' }), /region/);
  const forced = new OssClient({ endpoint: server.url, credentials: creds, signatureVersion: 'v4', region: 'local' });
  t.equal(forced.signatureVersion, 'v4');
  await Promise.all([real.close(), local.close(), forced.close()]);
});

t.test('a security token echoed in SignatureDoesNotMatch extras is redacted', async (t) => {
  const sts = 'PUT\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-security-token:SECRET-STS-TOKEN\n/bkt/k?security-token=SECRET-STS-TOKEN&uploads';
  const bytes = [...Buffer.from(sts)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  server.script(xmlError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match', `<StringToSign>${sts.replace(/&/g, '&amp;')}</StringToSign><StringToSignBytes>${bytes}</StringToSignBytes><CanonicalRequest>PUT\nx-oss-security-token:SECRET-STS-TOKEN\n</CanonicalRequest>`));
  const err = await client().initiateMultipartUpload({ key: 'k' }).catch((e) => e);
  t.type(err, OssServiceError);
  const dump = JSON.stringify({ ...err, message: err.message });
  t.notMatch(dump, /SECRET-STS-TOKEN/);
  t.notMatch(err.extras.StringToSignBytes, new RegExp([...Buffer.from('SECRET')].map((b) => b.toString(16)).join(' ')));
  t.match(err.extras.StringToSign, /x-oss-security-token:<redacted>\n/);
  t.match(err.extras.StringToSign, /\?security-token=<redacted>&uploads$/);
  t.match(err.extras.StringToSign, /^PUT\n/, 'the rest stays for debugging');
});
