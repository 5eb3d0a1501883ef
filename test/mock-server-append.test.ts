// AppendObject: creating at position 0, appending at the current length, the position and
// type errors, and what GET / HEAD report about an Appendable object.
import t from 'tap';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { signRequest } from '../lib/signer/index.js';
import { crc64Hex, crcHexToDecimal } from '../lib/hash/crc64.js';
import { BUCKET, CREDS, ossRequest, pathFor, withMockServer, xmlField, type OssReply } from './mock-server-helpers.js';
import type { MockServer } from '../lib/mock-server/index.js';

const crc64Of = async (text: string): Promise<string> => crcHexToDecimal(await crc64Hex(Buffer.from(text)));

const append = (server: MockServer, key: string, position: number | string, body: string, headers: Record<string, string> = {}, sign: 'v1' | 'v4' = 'v1'): Promise<OssReply> =>
  ossRequest(server, { method: 'POST', bucket: BUCKET, key, query: { append: '', position: String(position) }, body, headers, sign });

t.test('appends at the current length build one Appendable object', async (t) => {
  const server = await withMockServer(t);
  const first = await append(server, 'log', 0, 'foo', { 'content-type': 'text/plain', 'x-oss-meta-who': 'me' });
  t.equal(first.status, 200, first.text);
  t.equal(first.headers['x-oss-next-append-position'], '3');
  t.equal(first.headers['x-oss-hash-crc64ecma'], await crc64Of('foo'));
  const second = await append(server, 'log', first.headers['x-oss-next-append-position']!, 'bar', { 'content-type': 'text/ignored' }, 'v4');
  t.equal(second.headers['x-oss-next-append-position'], '6');
  const third = await append(server, 'log', 6, 'baz', { 'content-md5': createHash('md5').update('baz').digest('base64') });
  t.equal(third.status, 200, third.text);
  t.equal(third.headers['x-oss-hash-crc64ecma'], await crc64Of('foobarbaz'), 'the CRC-64 covers the whole object');
  t.not(third.headers['etag'], second.headers['etag'], 'every append changes the ETag');

  const got = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'log' });
  t.equal(got.text, 'foobarbaz');
  t.equal(got.headers['x-oss-object-type'], 'Appendable');
  t.equal(got.headers['x-oss-next-append-position'], '9');
  t.equal(got.headers['content-type'], 'text/plain', 'headers are those of the first append');
  t.equal(got.headers['x-oss-meta-who'], 'me');
  t.equal(got.headers['x-oss-hash-crc64ecma'], await crc64Of('foobarbaz'));
});

t.test('a wrong position is 409 PositionNotEqualToLength with the right one; a Normal object is not appendable', async (t) => {
  const server = await withMockServer(t);
  const early = await append(server, 'new', 5, 'x');
  t.equal(early.status, 409);
  t.equal(xmlField(early.text, 'Code'), 'PositionNotEqualToLength');
  t.equal(early.headers['x-oss-next-append-position'], '0');
  await append(server, 'a', 0, 'foo');
  const again = await append(server, 'a', 0, 'foo');
  t.equal(again.status, 409);
  t.equal(xmlField(again.text, 'Code'), 'PositionNotEqualToLength');
  t.equal(xmlField(again.text, 'Message'), 'Position is not equal to file length');
  t.equal(again.headers['x-oss-next-append-position'], '3');
  t.equal((await server.readObject(BUCKET, 'a')).toString(), 'foo', 'nothing was appended');

  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'normal', body: 'abc' });
  const normal = await append(server, 'normal', 3, 'd');
  t.equal(normal.status, 409);
  t.equal(xmlField(normal.text, 'Code'), 'ObjectNotAppendable');
  const noPosition = await ossRequest(server, { method: 'POST', bucket: BUCKET, key: 'a', query: { append: '' }, body: 'x' });
  t.equal(xmlField(noPosition.text, 'Code'), 'InvalidArgument');
  const badMd5 = await append(server, 'a', 3, 'bar', { 'content-md5': createHash('md5').update('other').digest('base64') });
  t.equal(xmlField(badMd5.text, 'Code'), 'InvalidDigest');
  t.equal((await server.readObject(BUCKET, 'a')).toString(), 'foo');

  // PutObject over an Appendable object makes it Normal again.
  await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'a', body: 'put' });
  t.equal((await append(server, 'a', 3, 'x')).status, 409);
});

t.test('a chunked body (no Content-Length) is appended too', async (t) => {
  const server = await withMockServer(t);
  await append(server, 'stream', 0, 'head-');
  const query = { append: '', position: '5' };
  const headers: Record<string, string> = { 'content-type': 'text/plain' };
  signRequest({ method: 'POST', bucket: BUCKET, key: 'stream', query, headers }, CREDS, new Date(), { version: 'v1' });
  const response = await request(`${server.url}${pathFor(BUCKET, 'stream')}?append&position=5`, { method: 'POST', headers, body: Readable.from([Buffer.from('chunk-1,'), Buffer.from('chunk-2')]) });
  await response.body.dump();
  t.equal(response.statusCode, 200);
  t.equal(response.headers['x-oss-next-append-position'], '20');
  t.equal((await server.readObject(BUCKET, 'stream')).toString(), 'head-chunk-1,chunk-2');
});
