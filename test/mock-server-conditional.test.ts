// Conditional GET and HEAD: If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since →
// 304 Not Modified or 412 PreconditionFailed, evaluated in RFC 7232's order.
import t from 'tap';
import { BUCKET, ossRequest, withMockServer, xmlField } from './mock-server-helpers.js';
import type { MockServer } from '../lib/mock-server/index.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;

async function stored(server: MockServer): Promise<{ etag: string; modified: string; before: string; after: string }> {
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'c.txt', body: 'conditional body', headers: { 'x-oss-meta-who': 'me' } });
  const head = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'c.txt' });
  const modified = head.headers['last-modified']!;
  const ms = Date.parse(modified);
  return { etag: head.headers['etag']!, modified, before: new Date(ms - YEAR_MS).toUTCString(), after: new Date(ms + YEAR_MS).toUTCString() };
}

t.test('each condition alone, on GET and on HEAD', async (t) => {
  const server = await withMockServer(t);
  const { etag, modified, before, after } = await stored(server);
  const cases: Array<[Record<string, string>, number, string]> = [
    [{ 'if-match': etag }, 200, 'If-Match with the ETag'],
    [{ 'if-match': '"foo-etag"' }, 412, 'If-Match with another ETag'],
    [{ 'if-match': '*' }, 200, 'If-Match *'],
    [{ 'if-match': `"0000", ${etag}` }, 200, 'If-Match with a list holding the ETag'],
    [{ 'if-none-match': etag }, 304, 'If-None-Match with the ETag'],
    [{ 'if-none-match': `W/${etag}` }, 304, 'If-None-Match with the weak ETag'],
    [{ 'if-none-match': 'foo' }, 200, 'If-None-Match with another ETag'],
    [{ 'if-modified-since': before }, 200, 'If-Modified-Since a year before'],
    [{ 'if-modified-since': modified }, 304, 'If-Modified-Since = Last-Modified'],
    [{ 'if-modified-since': after }, 304, 'If-Modified-Since a year after'],
    [{ 'if-unmodified-since': before }, 412, 'If-Unmodified-Since a year before'],
    [{ 'if-unmodified-since': modified }, 200, 'If-Unmodified-Since = Last-Modified'],
    [{ 'if-unmodified-since': after }, 200, 'If-Unmodified-Since a year after'],
    [{ 'if-modified-since': 'not a date' }, 200, 'a date that does not parse is ignored'],
  ];
  for (const method of ['GET', 'HEAD'] as const) {
    for (const [headers, status, what] of cases) {
      const reply = await ossRequest(server, { method, bucket: BUCKET, key: 'c.txt', headers, sign: status === 304 ? 'v4' : 'v1' });
      t.equal(reply.status, status, `${method}: ${what}`);
      if (status === 200) {
        t.equal(reply.headers['x-oss-meta-who'], 'me');
        if (method === 'GET') t.equal(reply.text, 'conditional body');
      } else if (status === 304) {
        t.equal(reply.body.length, 0, `${method} 304: no body`);
        t.equal(reply.headers['etag'], etag, '304 still names the ETag');
        t.notOk(reply.headers['x-oss-meta-who'], '304: no metadata');
      } else {
        const error = method === 'HEAD' ? Buffer.from(reply.headers['x-oss-err']!, 'base64').toString() : reply.text;
        t.equal(xmlField(error, 'Code'), 'PreconditionFailed');
        t.equal(xmlField(error, 'Condition'), Object.keys(headers)[0] === 'if-match' ? 'If-Match' : 'If-Unmodified-Since', 'the failed condition is named');
      }
    }
  }
});

t.test('precedence (RFC 7232 §6): If-Match before If-Unmodified-Since, 412 before 304, If-None-Match before If-Modified-Since', async (t) => {
  const server = await withMockServer(t);
  const { etag, before, after } = await stored(server);
  const get = (headers: Record<string, string>) => ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'c.txt', headers });
  t.equal((await get({ 'if-match': etag, 'if-unmodified-since': before })).status, 200, 'a matching If-Match makes If-Unmodified-Since irrelevant');
  const both = await get({ 'if-match': '"other"', 'if-none-match': etag });
  t.equal(both.status, 412, 'a failed If-Match wins over a matching If-None-Match');
  t.equal(xmlField(both.text, 'Condition'), 'If-Match');
  t.equal((await get({ 'if-unmodified-since': before, 'if-none-match': etag })).status, 412, 'If-Unmodified-Since is checked before If-None-Match');
  t.equal((await get({ 'if-none-match': '"other"', 'if-modified-since': after })).status, 200, 'a non-matching If-None-Match makes If-Modified-Since irrelevant');
  t.equal((await get({ 'if-none-match': etag, 'if-modified-since': before })).status, 304, 'a matching If-None-Match is 304 whatever If-Modified-Since says');
  t.equal((await get({ 'if-match': etag, 'if-none-match': etag })).status, 304, 'both pass the 412 checks; If-None-Match then answers 304');
});

t.test('conditions come before Range, and hold through a symlink for its target', async (t) => {
  const server = await withMockServer(t);
  const { etag } = await stored(server);
  const notModified = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'c.txt', headers: { 'if-none-match': etag, range: 'bytes=100-200' } });
  t.equal(notModified.status, 304, 'a 304 rather than a 416 for an unsatisfiable range');
  const ranged = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'c.txt', headers: { 'if-match': etag, range: 'bytes=0-3' } });
  t.equal(ranged.status, 206);
  t.equal(ranged.text, 'cond');

  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'link', query: { symlink: '' }, headers: { 'x-oss-symlink-target': 'c.txt' } });
  t.equal((await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'link', headers: { 'if-none-match': etag } })).status, 304, 'the target\'s ETag');
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'link', headers: { 'if-match': '"nope"' } })).status, 412);
  t.equal((await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'missing', headers: { 'if-none-match': etag } })).status, 404, 'a missing object is 404 whatever the conditions');
});
