// Chunked request bodies (Transfer-Encoding: chunked, no Content-Length), which OSS accepts for
// PutObject and UploadPart (ali-oss putStream, the Python SDK v2's async client): stored and
// hashed like any body, with the size limit enforced while the body streams.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { signRequest } from '../lib/signer/index.js';
import type { MockServer } from '../lib/mock-server/index.js';
import { BUCKET, complete, CREDS, initiate, ossRequest, pathFor, patternBytes, rawExchange, signedRequestHead, withMockServer, xmlField, xmlFields } from './mock-server-helpers.js';

/** A signed request whose body undici sends chunked (a stream of unknown length). */
async function putChunked(server: MockServer, key: string, chunks: Buffer[], query: Record<string, string> = {}, version: 'v1' | 'v4' = 'v1') {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  signRequest({ method: 'PUT', bucket: BUCKET, key, query, headers }, CREDS, new Date(), { version, region: 'cn-hangzhou' });
  const search = new URLSearchParams(query).toString();
  const response = await request(`${server.url}${pathFor(BUCKET, key)}${search ? `?${search}` : ''}`, { method: 'PUT', headers, body: Readable.from(chunks) });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

const md5Hex = (data: Buffer): string => createHash('md5').update(data).digest('hex').toUpperCase();

t.test('PutObject with a chunked body is stored whole (V1 and V4)', async (t) => {
  const server = await withMockServer(t);
  const data = patternBytes(300_000);
  const chunks = [data.subarray(0, 1), data.subarray(1, 100_000), data.subarray(100_000)];
  for (const version of ['v1', 'v4'] as const) {
    const key = `chunked/${version}.bin`;
    const reply = await putChunked(server, key, chunks, {}, version);
    t.equal(reply.status, 200, reply.text);
    t.equal(reply.headers['etag'], `"${md5Hex(data)}"`);
    t.ok((await server.readObject(BUCKET, key)).equals(data), `${version}: the stored object is the body`);
    const head = await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key });
    t.equal(head.headers['content-length'], String(data.length));
  }
  const empty = await putChunked(server, 'chunked/empty.bin', []);
  t.equal(empty.status, 200, 'an empty chunked body is an empty object');
  t.equal((await server.readObject(BUCKET, 'chunked/empty.bin')).length, 0);
});

t.test('UploadPart with a chunked body; the upload completes', async (t) => {
  const server = await withMockServer(t);
  const key = 'chunked/multipart.bin';
  const uploadId = await initiate(server, key);
  const data = patternBytes(200_000, 3);
  const reply = await putChunked(server, key, [data.subarray(0, 50_000), data.subarray(50_000)], { partNumber: '1', uploadId });
  t.equal(reply.status, 200, reply.text);
  t.equal(reply.headers['etag'], `"${md5Hex(data)}"`);
  const parts = await ossRequest(server, { method: 'GET', bucket: BUCKET, key, query: { uploadId } });
  t.same(xmlFields(parts.text, 'Size'), ['200000']);
  const done = await complete(server, key, uploadId, [{ partNumber: 1, etag: String(reply.headers['etag']) }]);
  t.equal(done.status, 200, done.text);
  t.ok((await server.readObject(BUCKET, key)).equals(data));
});

t.test('a chunked body past the size limit is cut off with EntityTooLarge; nothing is stored', async (t) => {
  const limit = 256 * 1024;
  const server = await withMockServer(t, { maxBodyBytes: limit });
  const uploadId = await initiate(server, 'big-part.bin');
  const targets: Array<{ key: string; query: Record<string, string> }> = [
    { key: 'too-big.bin', query: {} },
    { key: 'big-part.bin', query: { partNumber: '1', uploadId } },
  ];
  for (const { key, query } of targets) {
    server.stats.reset();
    const head = signedRequestHead(server, { method: 'PUT', bucket: BUCKET, key, query, headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/octet-stream' } });
    let written = 0;
    const answer = await rawExchange(server, async (socket) => {
      socket.write(head);
      // Up to 8 MiB in 64 KiB chunks, stopping as soon as the server answers or closes.
      for (let i = 0; i < 128 && !socket.destroyed && socket.readableLength === 0 && !socket.readableEnded; i++) {
        if (!socket.write(`10000\r\n${'x'.repeat(0x10000)}\r\n`)) await sleep(5);
        written += 0x10000;
      }
    });
    t.match(answer, /^HTTP\/1\.1 400 /, `${key}: 400`);
    t.match(answer, /<Code>EntityTooLarge<\/Code>/);
    t.match(answer, new RegExp(`<MaxSizeAllowed>${limit}</MaxSizeAllowed>`));
    t.match(answer, /\r\nConnection: close\r\n/i, 'the connection is closed instead of reading the rest');
    t.match(answer, /\r\nx-oss-request-id: [0-9A-F]{24}\r\n/i);
    t.ok(server.stats.bytesReceived <= limit + 0x10000, `${key}: the server stopped reading at the limit (${server.stats.bytesReceived} of ${written} bytes)`);
  }
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'too-big.bin' })).status, 404, 'no object');
  t.same(server.listUploads(BUCKET)[0]?.parts, [], 'no part');
  t.same(await readdir(join(server.dataDir, 'tmp')), [], 'no temporary file left behind');

  const declared = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'declared.bin', body: Buffer.alloc(limit + 1) });
  t.equal(xmlField(declared.text, 'Code'), 'EntityTooLarge', 'a declared length past the limit is refused as before');
  const atLimit = await putChunked(server, 'at-limit.bin', [Buffer.alloc(limit)]);
  t.equal(atLimit.status, 200, 'a chunked body of exactly the limit is fine');
});

t.test('a PUT with neither Content-Length nor Transfer-Encoding is 411 MissingContentLength', async (t) => {
  const server = await withMockServer(t);
  const head = signedRequestHead(server, { method: 'PUT', bucket: BUCKET, key: 'no-length.bin', headers: { connection: 'close' } });
  const answer = await rawExchange(server, (socket) => void socket.write(head));
  t.match(answer, /^HTTP\/1\.1 411 /);
  t.match(answer, /<Code>MissingContentLength<\/Code>/);
});
