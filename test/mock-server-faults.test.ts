// Fault injection, stats, discard mode and WAN emulation of the mock.
import t from 'tap';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFaultSpec, startMockServer } from '../lib/mock-server/index.js';
import { BUCKET, complete, completeXml, initiate, ossRequest, patternBytes, putPart, withMockServer, xmlField, xmlFields } from './mock-server-helpers.js';
import { waitFor } from './helpers/wait.js';

const md5Etag = (data: Buffer): string => `"${createHash('md5').update(data).digest('hex').toUpperCase()}"`;
/** Timers that keep this process alive (unref'd ones are not listed). */
const liveTimers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;

t.test('drop: the connection is cut after exactly N body bytes and nothing is stored', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'drop.bin');
  const data = patternBytes(300_000);
  server.faults.add({ api: 'UploadPart', partNumber: 2, action: { type: 'drop', afterBytes: 65536 } });
  t.equal(server.faults.pending(), 1);

  t.equal((await putPart(server, 'drop.bin', id, 1, data)).status, 200, 'other parts are not affected');
  await t.rejects(putPart(server, 'drop.bin', id, 2, data), 'the client sees the connection fail mid-body');
  t.equal(server.stats.partBytes.get(`${id}:2`), 65536, 'exactly afterBytes were read');
  t.equal(server.stats.partUploads.get(`${id}:2`), 1);
  t.same(server.listUploads(BUCKET)[0]!.parts, [1], 'the dropped part was not stored');
  t.equal(server.faults.pending(), 0, 'the rule is used up');

  const retry = await putPart(server, 'drop.bin', id, 2, data);
  t.equal(retry.status, 200);
  t.equal(server.stats.partBytes.get(`${id}:2`), 65536 + data.length, 'bytes of every attempt are counted');
  t.equal(server.stats.partUploads.get(`${id}:2`), 2);

  server.faults.add({ api: 'ListParts', action: { type: 'drop', afterBytes: 0 } });
  await t.rejects(ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'drop.bin', query: { uploadId: id } }), 'a bodiless request is cut before its answer');
});

t.test('error: the status and OSS error XML, state untouched', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'error.bin');
  server.faults.add({ api: 'UploadPart', action: { type: 'error', status: 503, code: 'SlowDown' } });
  const slow = await putPart(server, 'error.bin', id, 1, patternBytes(200_000));
  t.equal(slow.status, 503);
  t.equal(xmlField(slow.text, 'Code'), 'SlowDown');
  t.equal(xmlField(slow.text, 'RequestId'), slow.headers['x-oss-request-id']);
  t.same(server.listUploads(BUCKET)[0]!.parts, [], 'the part was not stored');
  t.equal(server.stats.bytesReceived, 200_000, 'the body was drained, so the connection stays usable');
  t.equal((await putPart(server, 'error.bin', id, 1, Buffer.from('ok'))).status, 200);

  server.faults.add({ api: 'CompleteMultipartUpload', action: { type: 'error', status: 500, code: 'InternalError' } });
  const failed = await complete(server, 'error.bin', id, [{ partNumber: 1, etag: md5Etag(Buffer.from('ok')) }]);
  t.equal(failed.status, 500);
  t.equal(xmlField(failed.text, 'Code'), 'InternalError');
  t.equal(server.listUploads(BUCKET).length, 1, 'the upload survives a failed Complete');
});

t.test('skip, times, filters and rule order', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'rules.bin');
  const list = async (key = 'rules.bin', uploadId = id) => (await ossRequest(server, { method: 'GET', bucket: BUCKET, key, query: { uploadId } })).status;

  server.faults.add({ api: 'ListParts', skip: 1, times: 2, action: { type: 'error', status: 500, code: 'InternalError' } });
  t.same([await list(), await list(), await list(), await list()], [200, 500, 500, 200]);

  server.faults.clear();
  server.faults.add({ api: 'ListParts', times: Infinity, key: 'other.bin', action: { type: 'error', status: 503, code: 'SlowDown' } });
  const other = await initiate(server, 'other.bin');
  t.same([await list(), await list('other.bin', other), await list('other.bin', other)], [200, 503, 503], 'the key filter');
  t.equal(server.faults.pending(), 1, 'an endless rule stays pending');

  server.faults.clear();
  server.faults.add({ api: 'UploadPart', partNumber: 3, action: { type: 'error', status: 500, code: 'InternalError' } });
  server.faults.add({ api: 'UploadPart', action: { type: 'error', status: 503, code: 'SlowDown' } });
  const part3 = await putPart(server, 'rules.bin', id, 3, Buffer.from('x'));
  t.equal(xmlField(part3.text, 'Code'), 'InternalError', 'the first rule that fires wins');
  const part4 = await putPart(server, 'rules.bin', id, 4, Buffer.from('x'));
  t.equal(xmlField(part4.text, 'Code'), 'SlowDown', 'a later rule was not consumed by that request');
  t.equal(server.faults.pending(), 0);
  t.throws(() => server.faults.add({ api: 'Nope' as 'UploadPart', action: { type: 'corrupt' } }), /unknown API/);
  t.throws(() => server.faults.add({ action: { type: 'drop', afterBytes: -1 } }), /afterBytes/);
});

t.test('stall holds the request; the server keeps serving others meanwhile', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'stall.bin');
  const part = await putPart(server, 'stall.bin', id, 1, Buffer.from('x'));
  server.faults.add({ api: 'CompleteMultipartUpload', action: { type: 'stall', ms: 400 } });
  let completed = false;
  const pending = complete(server, 'stall.bin', id, [{ partNumber: 1, etag: part.headers['etag']! }]).then((reply) => {
    completed = true;
    return reply;
  });
  const listing = await ossRequest(server, { method: 'GET', bucket: BUCKET, query: { uploads: '' } });
  t.same(xmlFields(listing.text, 'UploadId'), [id], 'while stalled, the upload is still open');
  t.notOk(completed, 'the stalled request has not been answered yet');
  t.equal((await pending).status, 200, 'then it is handled normally');
});

t.test('a stall ends when the client goes away: no answer, the request is not handled, no timer is left', async (t) => {
  const lines: string[] = [];
  const server = await withMockServer(t, { log: (line) => lines.push(line) });
  const id = await initiate(server, 'gone.bin');
  const part = await putPart(server, 'gone.bin', id, 1, Buffer.from('x'));
  const timersBefore = liveTimers();
  server.faults.add({ api: 'CompleteMultipartUpload', action: { type: 'stall', ms: 60_000 } });
  const client = new AbortController();
  const gaveUp = t.rejects(ossRequest(server, {
    method: 'POST',
    bucket: BUCKET,
    key: 'gone.bin',
    query: { uploadId: id },
    headers: { 'content-type': 'application/xml' },
    body: completeXml([{ partNumber: 1, etag: part.headers['etag']! }]),
    signal: client.signal,
  }), 'the client gave up');
  await waitFor(() => server.faults.pending() === 0, 'the Complete to reach the stall');
  client.abort();
  await gaveUp;
  await waitFor(() => lines.some((line) => line.includes('stall ended early, the client went away; not handled')), 'the stall to end');
  t.equal(liveTimers(), timersBefore, 'the 60 s stall left no timer keeping the process alive');
  t.same(server.listUploads(BUCKET), [{ key: 'gone.bin', uploadId: id, parts: [1] }], 'the upload is still open: Complete was not handled');
  t.equal((await ossRequest(server, { method: 'HEAD', bucket: BUCKET, key: 'gone.bin' })).status, 404, 'no object was made');
});

t.test('close() ends a stall at once; the stalled request is not handled and no timer outlives the server', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'oss-stall-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const lines: string[] = [];
  const server = await startMockServer({ dataDir, log: (line) => lines.push(line) });
  t.teardown(() => server.close());
  const id = await initiate(server, 'closing.bin');
  const part = await putPart(server, 'closing.bin', id, 1, Buffer.from('x'));
  const timersBefore = liveTimers();
  server.faults.add({ api: 'CompleteMultipartUpload', action: { type: 'stall', ms: 60_000 } });
  const cutOff = t.rejects(complete(server, 'closing.bin', id, [{ partNumber: 1, etag: part.headers['etag']! }]), 'the stalled client is cut off without an answer');
  await waitFor(() => server.faults.pending() === 0, 'the Complete to reach the stall');

  await server.close();
  t.pass('close() resolved while a 60 s stall was pending');
  await cutOff;
  t.ok(lines.some((line) => line.includes('stall ended early, the server is closing; not handled')), 'the stall ended with the close');
  t.equal(liveTimers(), timersBefore, 'no timer of the stall outlives the server');

  const reopened = await withMockServer(t, { dataDir });
  t.same(reopened.listUploads(BUCKET), [{ key: 'closing.bin', uploadId: id, parts: [1] }], 'the upload is still open: Complete was not handled');
  t.equal((await ossRequest(reopened, { method: 'HEAD', bucket: BUCKET, key: 'closing.bin' })).status, 404, 'no object was made');
});

t.test('corrupt: one byte of the stored part flips and the records follow it', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'corrupt.bin');
  const data = patternBytes(150_000, 21);
  server.faults.add({ api: 'UploadPart', partNumber: 1, action: { type: 'corrupt' } });
  const reply = await putPart(server, 'corrupt.bin', id, 1, data, { 'content-md5': createHash('md5').update(data).digest('base64') });
  t.equal(reply.status, 200, 'the Content-MD5 check saw the bytes as sent');
  t.not(reply.headers['etag'], md5Etag(data), 'the ETag describes the damaged data');
  const listed = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'corrupt.bin', query: { uploadId: id } });
  t.equal(xmlField(listed.text, 'ETag'), reply.headers['etag'], 'ListParts agrees with the UploadPart answer');
  t.equal(xmlField(listed.text, 'HashCrc64ecma'), reply.headers['x-oss-hash-crc64ecma']);

  const withSentEtag = await complete(server, 'corrupt.bin', id, [{ partNumber: 1, etag: md5Etag(data) }]);
  t.equal(xmlField(withSentEtag.text, 'Code'), 'InvalidPart', 'completing with the client ETag fails');
  t.equal((await complete(server, 'corrupt.bin', id, [{ partNumber: 1, etag: reply.headers['etag']! }])).status, 200);
  const stored = await server.readObject(BUCKET, 'corrupt.bin');
  t.equal(stored.length, data.length);
  const differing = [...stored].filter((byte, i) => byte !== data[i]).length;
  t.equal(differing, 1, 'exactly one byte differs');

  server.faults.add({ api: 'PutObject', action: { type: 'corrupt' } });
  const put = await ossRequest(server, { method: 'PUT', bucket: BUCKET, key: 'corrupt.txt', body: 'abcdef' });
  t.not(put.headers['etag'], md5Etag(Buffer.from('abcdef')));
  t.not((await server.readObject(BUCKET, 'corrupt.txt')).toString(), 'abcdef');
});

t.test('forget: the upload disappears before the request is handled', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'forget.bin');
  await putPart(server, 'forget.bin', id, 1, Buffer.from('x'));
  server.faults.add({ api: 'ListParts', action: { type: 'forget' } });
  const listed = await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'forget.bin', query: { uploadId: id } });
  t.equal(listed.status, 404);
  t.equal(xmlField(listed.text, 'Code'), 'NoSuchUpload');
  t.same(server.listUploads(BUCKET), []);
  t.equal(xmlField((await putPart(server, 'forget.bin', id, 2, Buffer.from('x'))).text, 'Code'), 'NoSuchUpload');
});

t.test('lose-response: the request takes effect, the answer never arrives', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'lost.bin');
  const data = patternBytes(150_000);
  server.faults.add({ api: 'UploadPart', action: { type: 'lose-response' } });
  await t.rejects(putPart(server, 'lost.bin', id, 1, data), 'the client sees the connection fail');
  t.same(server.listUploads(BUCKET)[0]!.parts, [1], 'yet the part was stored');
  server.faults.add({ api: 'CompleteMultipartUpload', action: { type: 'lose-response' } });
  await t.rejects(complete(server, 'lost.bin', id, [{ partNumber: 1, etag: md5Etag(data) }]), 'Complete: no answer');
  t.same(server.listUploads(BUCKET), [], 'the upload was completed...');
  t.ok((await server.readObject(BUCKET, 'lost.bin')).equals(data), '...into the object');
  const retried = await complete(server, 'lost.bin', id, [{ partNumber: 1, etag: md5Etag(data) }]);
  t.equal(xmlField(retried.text, 'Code'), 'NoSuchUpload', 'so a retried Complete finds no upload, as on OSS');
});

t.test('parseFaultSpec', async (t) => {
  t.same(parseFaultSpec('UploadPart:drop:65536'), { api: 'UploadPart', action: { type: 'drop', afterBytes: 65536 } });
  t.same(parseFaultSpec('UploadPart#3:error:503:SlowDown'), { api: 'UploadPart', partNumber: 3, action: { type: 'error', status: 503, code: 'SlowDown' } });
  t.same(parseFaultSpec('CompleteMultipartUpload:stall:2000'), { api: 'CompleteMultipartUpload', action: { type: 'stall', ms: 2000 } });
  t.same(parseFaultSpec('UploadPart:corrupt'), { api: 'UploadPart', action: { type: 'corrupt' } });
  t.same(parseFaultSpec('ListParts:forget'), { api: 'ListParts', action: { type: 'forget' } });
  t.same(parseFaultSpec('CompleteMultipartUpload:lose-response'), { api: 'CompleteMultipartUpload', action: { type: 'lose-response' } });
  t.same(parseFaultSpec('UploadPart:error:500*3+2'), { api: 'UploadPart', times: 3, skip: 2, action: { type: 'error', status: 500, code: 'InternalError' } });
  t.same(parseFaultSpec('*:error:503*inf'), { times: Infinity, action: { type: 'error', status: 503, code: 'SlowDown' } });
  t.same(parseFaultSpec('GetObject:drop:0+1*2'), { api: 'GetObject', skip: 1, times: 2, action: { type: 'drop', afterBytes: 0 } });
  for (const bad of ['', 'UploadPart', 'UploadPart:explode', 'Bogus:corrupt', 'UploadPart:drop', 'UploadPart:drop:-5', 'UploadPart:error:418', 'UploadPart:error:99:X', 'UploadPart:stall:soon', 'UploadPart:corrupt:1', 'UploadPart:lose-response:1', 'UploadPart#x:corrupt', 'UploadPart:corrupt*0']) {
    t.throws(() => parseFaultSpec(bad), JSON.stringify(bad));
  }
});

t.test('stats count requests per API and reset', async (t) => {
  const server = await withMockServer(t);
  const id = await initiate(server, 'stats.bin');
  await putPart(server, 'stats.bin', id, 1, Buffer.alloc(1000));
  await putPart(server, 'stats.bin', id, 1, Buffer.alloc(500));
  await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'stats.bin', query: { uploadId: id } });
  t.same(server.stats.requests, { InitiateMultipartUpload: 1, UploadPart: 2, ListParts: 1 });
  t.equal(server.stats.bytesReceived, 1500);
  t.equal(server.stats.partBytes.get(`${id}:1`), 1500);
  t.equal(server.stats.partUploads.get(`${id}:1`), 2);
  server.stats.reset();
  t.same(server.stats.requests, {});
  t.equal(server.stats.bytesReceived, 0);
  t.equal(server.stats.partBytes.size, 0);
});

t.test('discard mode: verified and counted, nothing stored', async (t) => {
  const server = await withMockServer(t, { discard: true });
  const data = patternBytes(250 * 1024);
  const id = await initiate(server, 'bench.bin');
  const slices = [data.subarray(0, 102400), data.subarray(102400, 204800), data.subarray(204800)];
  const etags = [];
  for (const [i, slice] of slices.entries()) etags.push((await putPart(server, 'bench.bin', id, i + 1, slice)).headers['etag']!);
  t.equal(etags[2], '"371C3ACE55A9AB2D33BBC560AF4055FF"');
  const badMd5 = await putPart(server, 'bench.bin', id, 4, Buffer.from('x'), { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' });
  t.equal(xmlField(badMd5.text, 'Code'), 'InvalidDigest', 'MD5 is still checked');
  const done = await complete(server, 'bench.bin', id, etags.map((etag, i) => ({ partNumber: i + 1, etag })));
  t.equal(done.headers['etag'], '"0424DA821EAAA417F92036E72024E59B-3"');
  t.equal(done.headers['x-oss-hash-crc64ecma'], '9176800064409463486');
  t.equal(xmlField((await ossRequest(server, { method: 'GET', bucket: BUCKET, key: 'bench.bin' })).text, 'Code'), 'NoSuchKey');
  const files = await readdir(server.dataDir, { recursive: true });
  t.notOk(files.some((f) => String(f).endsWith('.data')), 'no data file was written');
  t.equal([...server.stats.partBytes.values()].reduce((a, b) => a + b, 0), data.length + 1, 'every part byte was read');
});

t.test('latency and bandwidth emulation still serve correct answers', async (t) => {
  const server = await withMockServer(t, { latencyMs: 20, bandwidthBytesPerSec: 4 * 1024 * 1024 });
  const data = patternBytes(256 * 1024, 5);
  const id = await initiate(server, 'wan.bin');
  const parts = await Promise.all([1, 2].map((n) => putPart(server, 'wan.bin', id, n, data)));
  t.same(parts.map((p) => p.headers['etag']), [md5Etag(data), md5Etag(data)]);
  t.equal(server.stats.bytesReceived, 2 * data.length);
});
