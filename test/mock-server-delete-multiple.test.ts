// DeleteMultipleObjects (POST /?delete): verbose and quiet answers, Content-MD5 required and
// checked, at most 1000 keys, encoding-type=url, and keys with the control characters OSS allows.
import t from 'tap';
import { createHash } from 'node:crypto';
import { BUCKET, ossRequest, withMockServer, xmlField, xmlFields } from './mock-server-helpers.js';
import type { MockServer } from '../lib/mock-server/index.js';
import { escapeMarkup } from '../lib/xml/encode.js';

const md5 = (body: string): string => createHash('md5').update(body, 'utf8').digest('base64');
const deleteXml = (keys: string[], quiet?: boolean): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Delete>${quiet === undefined ? '' : `<Quiet>${quiet}</Quiet>`}${keys.map((k) => `<Object><Key>${escapeMarkup(k)}</Key></Object>`).join('')}</Delete>`;
const deleteMulti = (server: MockServer, body: string, options: { query?: Record<string, string>; headers?: Record<string, string>; sign?: 'v1' | 'v4'; bucket?: string } = {}) =>
  ossRequest(server, {
    method: 'POST',
    bucket: options.bucket ?? BUCKET,
    query: { delete: '', ...options.query },
    headers: { 'content-type': 'application/xml', 'content-md5': md5(body), ...options.headers },
    body,
    sign: options.sign,
  });
const exists = async (server: MockServer, key: string): Promise<boolean> => (await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key })).status === 200;

t.test('verbose: every key reported in request order, existing or not; the objects are gone', async (t) => {
  const server = await withMockServer(t);
  for (const key of ['d/0', 'd/1', 'd/2', 'keep']) await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: key });
  for (const sign of ['v1', 'v4'] as const) {
    const reply = await deleteMulti(server, deleteXml(['d/1', 'd/0', 'not-there', 'd/2'], false), { sign });
    t.equal(reply.status, 200, reply.text);
    t.match(reply.text, /^<\?xml[^>]*>\s*<DeleteResult>/, 'a bare root');
    t.same(xmlFields(reply.text, 'Key'), ['d/1', 'd/0', 'not-there', 'd/2'], `${sign}: in request order`);
  }
  for (const key of ['d/0', 'd/1', 'd/2']) t.notOk(await exists(server, key), `${key} deleted`);
  t.ok(await exists(server, 'keep'), 'other objects stay');
  const noQuiet = await deleteMulti(server, deleteXml(['keep']));
  t.same(xmlFields(noQuiet.text, 'Key'), ['keep'], '<Quiet> is optional: verbose by default');
});

t.test('quiet mode: 200 with no body when nothing failed', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'q', body: 'x' });
  const reply = await deleteMulti(server, deleteXml(['q', 'missing'], true));
  t.equal(reply.status, 200);
  t.equal(reply.body.length, 0);
  t.equal(reply.headers['content-length'], '0');
  t.notOk(await exists(server, 'q'));
});

t.test('keys with control characters, XML metacharacters and spaces; encoding-type=url encodes the answer', async (t) => {
  const server = await withMockServer(t);
  const keys = ['\u0001\n\f\u0007Pc', 'a<b&c>d +', '是 空格 yeah +-/\\&*#(1) '];
  for (const key of keys) await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: 'x' });
  const raw = await deleteMulti(server, deleteXml(keys));
  t.equal(raw.status, 200, raw.text);
  t.same(xmlFields(raw.text, 'Key').map((k) => k.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')), keys, 'raw control characters in the request and the answer, as OSS');
  for (const key of keys) t.notOk(await exists(server, key));

  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'ctl\u0001key', body: 'x' });
  const escaped = '<Delete><Object><Key>ctl&#x1;key</Key></Object></Delete>';
  const encoded = await deleteMulti(server, escaped, { query: { 'encoding-type': 'url' } });
  t.equal(encoded.status, 200, encoded.text);
  t.equal(xmlField(encoded.text, 'EncodingType'), 'url');
  t.same(xmlFields(encoded.text, 'Key'), ['ctl%01key'], 'a character reference names the control character; the answer is URL-encoded');
  t.notOk(await exists(server, 'ctl\u0001key'));
});

t.test('Content-MD5 is required and checked; at most 1000 keys; malformed requests delete nothing', async (t) => {
  const server = await withMockServer(t);
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'survivor', body: 'x' });
  const body = deleteXml(['survivor']);
  const noMd5 = await ossRequest(server, { method: 'POST', bucket: BUCKET, query: { delete: '' }, headers: { 'content-type': 'application/xml' }, body });
  t.equal(noMd5.status, 400);
  t.equal(xmlField(noMd5.text, 'Code'), 'MissingArgument');
  t.equal(xmlField(noMd5.text, 'ArgumentName'), 'Content-MD5');
  const wrongMd5 = await deleteMulti(server, body, { headers: { 'content-md5': md5('something else') } });
  t.equal(xmlField(wrongMd5.text, 'Code'), 'InvalidDigest');

  const many = (n: number): string[] => Array.from({ length: n }, (_, i) => `k/${i}`);
  const tooMany = await deleteMulti(server, deleteXml([...many(1000), 'survivor']));
  t.equal(tooMany.status, 400);
  t.equal(xmlField(tooMany.text, 'Code'), 'MalformedXML', '1001 keys');
  t.equal((await deleteMulti(server, deleteXml(many(1000)))).status, 200, '1000 keys are fine');

  const malformed: Array<[string, string]> = [
    ['<Delete><Object><Key>survivor</Key></Object>', 'not well-formed'],
    ['<Delete><Quiet>true</Quiet></Delete>', 'no <Object>'],
    ['<Delete><Object></Object><Object><Key>survivor</Key></Object></Delete>', 'an <Object> without a <Key>'],
    ['<Delete><Quiet>maybe</Quiet><Object><Key>survivor</Key></Object></Delete>', 'a <Quiet> that is not true or false'],
    ['<Remove><Object><Key>survivor</Key></Object></Remove>', 'the wrong root'],
  ];
  for (const [xml, what] of malformed) {
    const reply = await deleteMulti(server, xml);
    t.equal(xmlField(reply.text, 'Code'), 'MalformedXML', what);
  }
  const versioned = await deleteMulti(server, '<Delete><Object><Key>survivor</Key><VersionId>CAEQ</VersionId></Object></Delete>');
  t.equal(versioned.status, 501, 'the mock keeps no versions');
  t.ok(await exists(server, 'survivor'), 'no refused request deleted anything');
  t.equal((await deleteMulti(server, '<Delete><Object><Key>survivor</Key><VersionId>null</VersionId></Object></Delete>')).status, 200, 'VersionId "null" is the object itself');
  t.notOk(await exists(server, 'survivor'));
  t.equal(xmlField((await deleteMulti(server, body, { bucket: 'no-such-bucket' })).text, 'Code'), 'NoSuchBucket');
});
