// PostObject: browser form uploads signed with a V1 or V4 policy, the policy's conditions and
// expiration, success_action_status / success_action_redirect, and a file streamed in pieces.
import t from 'tap';
import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { signatureV4 } from '../lib/signer/v4.js';
import { BUCKET, CREDS, patternBytes, withMockServer, xmlField } from './mock-server-helpers.js';
import type { MockServer } from '../lib/mock-server/index.js';

const BOUNDARY = '----mock-form-boundary-7d3a';

function formBody(fields: Array<[string, string]>, file: Buffer | string, filename = 'upload.txt', after: Array<[string, string]> = []): Buffer {
  const part = (name: string, value: string): string => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  return Buffer.concat([
    Buffer.from(fields.map(([n, v]) => part(n, v)).join('')),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/x-file\r\n\r\n`),
    Buffer.from(file),
    Buffer.from(`\r\n${after.map(([n, v]) => part(n, v)).join('')}--${BOUNDARY}--\r\n`),
  ]);
}

async function post(server: MockServer, body: Buffer, bucket = BUCKET): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const response = await request(`${server.url}/${bucket}/`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[name] = String(value);
  return { status: response.statusCode, headers, text: await response.body.text() };
}

const encodePolicy = (conditions: unknown[], expiresInMs = 60_000): string =>
  Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + expiresInMs).toISOString(), conditions })).toString('base64');

function v1Fields(policy: string, secret = CREDS.accessKeySecret): Array<[string, string]> {
  return [['OSSAccessKeyId', CREDS.accessKeyId], ['policy', policy], ['Signature', createHmac('sha1', secret).update(policy).digest('base64')]];
}

function v4Fields(conditionsFor: (credential: string, date: string) => unknown[]): Array<[string, string]> {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const credential = `${CREDS.accessKeyId}/${date.slice(0, 8)}/cn-hangzhou/oss/aliyun_v4_request`;
  const policy = encodePolicy(conditionsFor(credential, date));
  return [
    ['x-oss-signature-version', 'OSS4-HMAC-SHA256'],
    ['x-oss-credential', credential],
    ['x-oss-date', date],
    ['policy', policy],
    ['x-oss-signature', signatureV4(CREDS.accessKeySecret, date, 'cn-hangzhou', 'oss', policy)],
  ];
}

t.test('a V1-signed form stores the file with the form’s headers; 204 by default', async (t) => {
  const server = await withMockServer(t);
  const data = patternBytes(300_000, 9); // crosses many read chunks, so the boundary search runs across them
  const body = formBody(
    [['key', 'posted/${filename}'], ['Content-Type', 'application/x-posted'], ['Cache-Control', 'max-age=30'], ['x-oss-meta-from', 'form'], ...v1Fields(encodePolicy([{ bucket: BUCKET }]))],
    data,
    'photo.bin',
    [['ignored-after-file', 'x']],
  );
  const reply = await post(server, body);
  t.equal(reply.status, 204, reply.text);
  t.match(reply.headers['etag'], /^"[0-9A-F]{32}"$/);
  t.same(await server.readObject(BUCKET, 'posted/photo.bin'), data, '${filename} is replaced by the file name');
  const head = await request(`${server.url}/${BUCKET}/posted/photo.bin`, { method: 'HEAD' });
  await head.body.dump();
  t.equal(head.statusCode, 403, 'reading it back still needs a signature');
});

t.test('a V4-signed form with every kind of condition; success_action_status 200 and 201', async (t) => {
  const server = await withMockServer(t);
  const conditions = (credential: string, date: string): unknown[] => [
    { bucket: BUCKET },
    { 'x-oss-credential': credential },
    { 'x-oss-date': date },
    { 'x-oss-signature-version': 'OSS4-HMAC-SHA256' },
    ['content-length-range', 1, 10],
    ['eq', '$success_action_status', '200'],
    ['starts-with', '$key', 'testPostObject'],
    ['in', '$content-type', ['image/jpg', 'text/plain']],
    ['not-in', '$cache-control', ['no-cache']],
  ];
  const fields: Array<[string, string]> = [['key', 'testPostObjectV4.txt'], ['Content-Type', 'text/plain'], ['Cache-Control', 'max-age=30'], ['success_action_status', '200']];
  const ok = await post(server, formBody([...fields, ...v4Fields(conditions)], 'test'));
  t.equal(ok.status, 200, ok.text);
  t.equal((await server.readObject(BUCKET, 'testPostObjectV4.txt')).toString(), 'test');

  const created = await post(server, formBody([['key', 'k201'], ['success_action_status', '201'], ...v4Fields(() => [{ bucket: BUCKET }])], 'x'));
  t.equal(created.status, 201);
  t.match(created.text, /<PostResponse[ >]/);
  t.equal(xmlField(created.text, 'Key'), 'k201');
  t.equal(xmlField(created.text, 'Bucket'), BUCKET);

  const tooBig = await post(server, formBody([...fields, ...v4Fields(conditions)], 'more than ten bytes'));
  t.equal(tooBig.status, 400);
  t.equal(xmlField(tooBig.text, 'Code'), 'EntityTooLarge');
  const wrongType = await post(server, formBody([['key', 'testPostObjectV4.txt'], ['Content-Type', 'text/html'], ['Cache-Control', 'max-age=30'], ['success_action_status', '200'], ...v4Fields(conditions)], 'test'));
  t.equal(wrongType.status, 403);
  t.match(xmlField(wrongType.text, 'Message'), /Policy Condition failed/);
  const noCache = await post(server, formBody([['key', 'testPostObjectV4.txt'], ['Content-Type', 'text/plain'], ['Cache-Control', 'no-cache'], ['success_action_status', '200'], ...v4Fields(conditions)], 'test'));
  t.equal(noCache.status, 403, 'not-in refuses a listed value');
  const wrongKey = await post(server, formBody([['key', 'other.txt'], ['Content-Type', 'text/plain'], ['success_action_status', '200'], ...v4Fields(conditions)], 'test'));
  t.equal(wrongKey.status, 403, 'starts-with refuses another key');
});

t.test('success_action_redirect answers 303 with bucket, key and etag', async (t) => {
  const server = await withMockServer(t);
  const reply = await post(server, formBody([['key', 'r'], ['success_action_redirect', 'http://app.example/done?x=1'], ...v1Fields(encodePolicy([]))], 'redirected'));
  t.equal(reply.status, 303);
  const location = new URL(reply.headers['location']!);
  t.equal(location.origin + location.pathname, 'http://app.example/done');
  t.equal(location.searchParams.get('x'), '1');
  t.equal(location.searchParams.get('bucket'), BUCKET);
  t.equal(location.searchParams.get('key'), 'r');
  t.equal(location.searchParams.get('etag'), reply.headers['etag']);
});

t.test('refused forms: bad signature, expired policy, unmet condition, no signature, no key, unknown bucket', async (t) => {
  const server = await withMockServer(t);
  const badSignature = await post(server, formBody([['key', 'k'], ...v1Fields(encodePolicy([]), 'wrong-secret')], 'x'));
  t.equal(badSignature.status, 403);
  t.equal(xmlField(badSignature.text, 'Code'), 'SignatureDoesNotMatch');
  const expired = await post(server, formBody([['key', 'k'], ...v1Fields(encodePolicy([], -1000))], 'x'));
  t.equal(expired.status, 403);
  t.match(xmlField(expired.text, 'Message'), /Policy expired/);
  const otherBucket = await post(server, formBody([['key', 'k'], ...v1Fields(encodePolicy([{ bucket: 'another-bucket' }]))], 'x'));
  t.equal(otherBucket.status, 403);
  const anonymous = await post(server, formBody([['key', 'k']], 'x'));
  t.equal(anonymous.status, 403);
  t.equal(xmlField(anonymous.text, 'Code'), 'AccessDenied');
  const noKey = await post(server, formBody(v1Fields(encodePolicy([])), 'x'));
  t.equal(noKey.status, 400);
  const noBucket = await post(server, formBody([['key', 'k'], ...v1Fields(encodePolicy([]))], 'x'), 'no-such-bucket');
  t.equal(xmlField(noBucket.text, 'Code'), 'NoSuchBucket');
  const truncated = formBody([['key', 'k'], ...v1Fields(encodePolicy([]))], 'x');
  const cut = await post(server, truncated.subarray(0, truncated.length - 30));
  t.equal(cut.status, 400);
  t.equal(xmlField(cut.text, 'Code'), 'MalformedPOSTRequest');
  await t.rejects(server.readObject(BUCKET, 'k'), /no object/, 'no refused form stored anything');
});
