// ListObjectsV2 (GET /?list-type=2): continuation tokens, start-after, delimiter and common
// prefixes, KeyCount, fetch-owner, encoding-type=url — on the same listing as ListObjects (V1).
import t, { type Test } from 'tap';
import { BUCKET, ossRequest, withMockServer, xmlField, xmlFields } from './mock-server-helpers.js';
import type { MockServer } from '../lib/mock-server/index.js';

const KEYS = ['l/oss.jpg', 'l/fun/test.jpg', 'l/fun/movie/001.avi', 'l/fun/movie/007.avi', 'l/other/movie/007.avi', 'l/other/movie/008.avi'];

async function seeded(t: Test): Promise<MockServer> {
  const server = await withMockServer(t);
  for (const key of [...KEYS, 'top.txt']) await ossRequest(server, { method: 'PUT', bucket: BUCKET, key, body: key });
  return server;
}

const listV2 = async (server: MockServer, query: Record<string, string>, sign: 'v1' | 'v4' = 'v1') => {
  const reply = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { 'list-type': '2', ...query }, sign });
  return { ...reply, keys: xmlFields(reply.text, 'Key'), prefixes: xmlFields(reply.text, 'Prefix').slice(1) };
};

t.test('prefix, delimiter, KeyCount and the V2 result fields', async (t) => {
  const server = await seeded(t);
  for (const sign of ['v1', 'v4'] as const) {
    const page = await listV2(server, { prefix: 'l/', delimiter: '/' }, sign);
    t.equal(page.status, 200, page.text);
    t.match(page.text, /^<\?xml[^>]*>\s*<ListBucketResult>/, 'a bare root');
    t.same(page.keys, ['l/oss.jpg']);
    t.same(page.prefixes, ['l/fun/', 'l/other/']);
    t.equal(xmlField(page.text, 'KeyCount'), '3', 'keys and common prefixes both count');
    t.equal(xmlField(page.text, 'IsTruncated'), 'false');
    t.equal(xmlField(page.text, 'NextContinuationToken'), undefined);
    t.equal(xmlField(page.text, 'MaxKeys'), '100', 'max-keys defaults to 100');
    t.equal(xmlField(page.text, 'Name'), BUCKET);
    t.equal(xmlField(page.text, 'Owner'), undefined, 'no owner without fetch-owner');
  }
  t.same((await listV2(server, { prefix: 'l/fun/movie' })).keys, ['l/fun/movie/001.avi', 'l/fun/movie/007.avi']);
  const owned = await listV2(server, { prefix: 'l/fun/movie/', 'fetch-owner': 'true' });
  t.equal(xmlFields(owned.text, 'ID').length, 2, 'fetch-owner=true: an owner for each key');
  t.match(owned.text, /<Contents><Key>l\/fun\/movie\/001\.avi<\/Key><LastModified>[^<]+<\/LastModified><ETag>"[0-9A-F]{32}"<\/ETag><Type>Normal<\/Type><Size>19<\/Size><StorageClass>Standard<\/StorageClass><Owner>/);
});

t.test('continuation tokens page through everything once; start-after; a token wins over start-after', async (t) => {
  const server = await seeded(t);
  for (const delimiter of ['', '/']) {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await listV2(server, { prefix: 'l/', 'max-keys': '2', delimiter, ...(token ? { 'continuation-token': token } : {}) });
      t.equal(page.status, 200, page.text);
      if (token) t.equal(xmlField(page.text, 'ContinuationToken'), token, 'the token is echoed');
      seen.push(...page.keys, ...page.prefixes);
      token = xmlField(page.text, 'NextContinuationToken');
      t.equal(xmlField(page.text, 'IsTruncated'), token ? 'true' : 'false');
      pages++;
    } while (token && pages < 10);
    const expected = delimiter ? ['l/fun/', 'l/oss.jpg', 'l/other/'] : [...KEYS].sort();
    t.same([...seen].sort(), expected, `delimiter ${JSON.stringify(delimiter)}: each entry exactly once`);
  }

  t.same((await listV2(server, { 'start-after': 'l/fun', 'max-keys': '1' })).keys, ['l/fun/movie/001.avi']);
  t.same((await listV2(server, { 'start-after': 'l/fun/movie/001.avi', 'max-keys': '1' })).keys, ['l/fun/movie/007.avi']);
  const inPrefix = await listV2(server, { prefix: 'l/fun/movie/', delimiter: '/', 'start-after': 'l/fun/movie/002.avi' });
  t.same(inPrefix.keys, ['l/fun/movie/007.avi']);
  t.equal(xmlField(inPrefix.text, 'StartAfter'), 'l/fun/movie/002.avi');
  const afterOss = await listV2(server, { prefix: 'l/', delimiter: '/', 'start-after': 'l/oss.jpg' });
  t.same([afterOss.keys, afterOss.prefixes], [[], ['l/other/']]);
  t.equal(xmlField(afterOss.text, 'KeyCount'), '1');
  const insideCommonPrefix = await listV2(server, { prefix: 'l/', delimiter: '/', 'start-after': 'l/fun/movie/001.avi' });
  t.same(insideCommonPrefix.prefixes, ['l/fun/', 'l/other/'], 'a start-after inside a common prefix still lists that prefix, for the keys after it');

  const first = await listV2(server, { prefix: 'l/', 'max-keys': '1' });
  const withBoth = await listV2(server, { prefix: 'l/', 'max-keys': '1', 'start-after': 'l/other', 'continuation-token': xmlField(first.text, 'NextContinuationToken')! });
  t.same(withBoth.keys, ['l/fun/movie/007.avi'], 'the token decides where the page starts');
});

t.test('encoding-type=url encodes keys, prefixes, delimiter, start-after and tokens', async (t) => {
  const server = await withMockServer(t);
  const odd = 'enc/a b\u0001\n+中.txt';
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: odd, body: 'x' });
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'enc/dir x/1', body: 'x' });
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'enc/z', body: 'x' });
  const page = await listV2(server, { prefix: 'enc/', delimiter: '/', 'start-after': 'enc/ ', 'max-keys': '2', 'encoding-type': 'url' });
  t.equal(xmlField(page.text, 'EncodingType'), 'url');
  t.same(page.keys.map(decodeURIComponent), [odd]);
  t.notMatch(page.keys[0]!, /[\u0001\n ]/, 'control characters and spaces are percent-encoded');
  t.same(page.prefixes, ['enc%2Fdir%20x%2F']);
  t.equal(xmlField(page.text, 'Prefix'), 'enc%2F');
  t.equal(xmlField(page.text, 'Delimiter'), '%2F');
  t.equal(xmlField(page.text, 'StartAfter'), 'enc%2F%20');
  const token = xmlField(page.text, 'NextContinuationToken')!;
  const next = await listV2(server, { prefix: 'enc/', delimiter: '/', 'continuation-token': decodeURIComponent(token), 'encoding-type': 'url' });
  t.same(next.keys, ['enc%2Fz'], 'the decoded token continues the listing');
  const plain = await listV2(server, { prefix: 'enc/a' });
  t.same(plain.keys, [odd], 'without encoding-type the key is sent as it is');
});

t.test('bad requests: list-type other than 2, a token this server never issued, bad max-keys', async (t) => {
  const server = await seeded(t);
  const one = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { 'list-type': '1' } });
  t.equal(xmlField(one.text, 'Code'), 'InvalidArgument');
  t.equal(xmlField(one.text, 'ArgumentName'), 'list-type');
  const forged = await listV2(server, { 'continuation-token': 'not a token!' });
  t.equal(forged.status, 400);
  t.equal(xmlField(forged.text, 'ArgumentName'), 'continuation-token');
  t.equal(xmlField((await listV2(server, { 'max-keys': '0' })).text, 'Code'), 'InvalidArgument');
  t.equal(xmlField((await listV2(server, { 'max-keys': 'ten' })).text, 'Code'), 'InvalidArgument');
  t.equal(xmlField((await listV2(server, { 'max-keys': '5000' })).text, 'MaxKeys'), '1000', 'capped at 1000');
  const missing = await ossRequest(server, { method: 'GET', bucket: 'no-such-bucket', query: { 'list-type': '2' } });
  t.equal(xmlField(missing.text, 'Code'), 'NoSuchBucket');
});

t.test('ListObjects (V1) shares the listing: a marker inside a common prefix lists it, NextMarker on a prefix resumes past it', async (t) => {
  const server = await seeded(t);
  const list = (query: Record<string, string>) => ossRequest(server, { method: 'GET', bucket: BUCKET, query });
  const inside = await list({ prefix: 'l/', delimiter: '/', marker: 'l/fun/movie/001.avi' });
  t.same(xmlFields(inside.text, 'Prefix').slice(1), ['l/fun/', 'l/other/']);
  const first = await list({ prefix: 'l/', delimiter: '/', 'max-keys': '1' });
  t.equal(xmlField(first.text, 'NextMarker'), 'l/fun/');
  const rest = await list({ prefix: 'l/', delimiter: '/', marker: 'l/fun/' });
  t.same([xmlFields(rest.text, 'Key'), xmlFields(rest.text, 'Prefix').slice(1)], [['l/oss.jpg'], ['l/other/']]);
  t.equal(xmlFields(first.text, 'ID').length, 0, 'a page of one common prefix has no owner');
  t.equal(xmlFields((await list({ prefix: 'l/fun/movie/' })).text, 'ID').length, 2, 'V1 always names the owner');
});
