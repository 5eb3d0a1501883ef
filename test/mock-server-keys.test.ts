// The mock's key rules are OSS's, not the client's input checks: control characters are
// stored (signed and presigned), listed raw, and percent-encoded with encoding-type=url.
import t from 'tap';
import { request } from 'undici';
import { presignQueryV1 } from '../lib/signer/v1.js';
import { presignQueryV4 } from '../lib/signer/v4.js';
import { encodeQuery } from '../lib/transport/endpoint.js';
import { validateObjectKey } from '../lib/validate.js';
import { BUCKET, CREDS, ossRequest, pathFor, withMockServer, xmlField, xmlFields } from './mock-server-helpers.js';

const CONTROL_KEYS = ['ctl-\x01\x0a\x0c\x07Pc', 'ctl-tab\there', 'ctl-\x1f\x7f-end'];

t.test('keys with control characters are stored, read back and listed', async (t) => {
  const server = await withMockServer(t);
  for (const [i, key] of CONTROL_KEYS.entries()) {
    const put = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: `body ${i}`, sign: i % 2 ? 'v4' : 'v1' });
    t.equal(put.status, 200, `${JSON.stringify(key)}: ${put.text}`);
    const get = await ossRequest(server, { method: 'GET', bucket: BUCKET, key });
    t.equal(get.text, `body ${i}`, `${JSON.stringify(key)} reads back`);
  }
  t.throws(() => validateObjectKey(CONTROL_KEYS[0]), { name: 'OssInvalidArgumentError' }, 'the client still refuses such keys for itself');

  const raw = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { prefix: 'ctl-' } });
  t.equal(raw.status, 200);
  t.same(xmlFields(raw.text, 'Key').sort(), [...CONTROL_KEYS].sort(), 'without encoding-type the keys are written raw, as OSS does');
  const encoded = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { prefix: 'ctl-', 'encoding-type': 'url' } });
  t.ok(xmlFields(encoded.text, 'Key').includes('ctl-%01%0A%0C%07Pc'), 'encoding-type=url percent-encodes them');
  t.notMatch(encoded.text, /[\x01\x07]/, 'and the document has none left');
});

t.test('a presigned URL for a key with CR LF works (V1 and V4)', async (t) => {
  const server = await withMockServer(t);
  const key = 'pre\r\nsigned';
  t.equal((await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: 'crlf' })).status, 200);
  const target = { method: 'GET', bucket: BUCKET, key, query: {}, headers: {} };
  for (const query of [presignQueryV1(target, CREDS, Math.floor(Date.now() / 1000) + 300), presignQueryV4(target, CREDS, new Date(), 300, { region: 'cn-hangzhou' })]) {
    const response = await request(`${server.url}${pathFor(BUCKET, key)}${encodeQuery(query)}`);
    t.equal(response.statusCode, 200);
    t.equal(await response.body.text(), 'crlf');
  }
});

t.test('what OSS itself refuses stays refused', async (t) => {
  const server = await withMockServer(t);
  for (const [key, why] of [
    ['nul\x00byte', /NUL/],
    ['k'.repeat(1024), /1024 bytes/],
    ['\\leading-backslash', /starts with/],
  ] as const) {
    const reply = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: 'x' });
    t.equal(reply.status, 400, JSON.stringify(key.slice(0, 20)));
    t.equal(xmlField(reply.text, 'Code'), 'InvalidObjectName');
    t.match(xmlField(reply.text, 'Message'), why);
  }
});
