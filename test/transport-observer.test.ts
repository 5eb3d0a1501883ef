// The transport's observer hook against the mock server: one timing per attempt, with the API,
// part number, attempt, bytes, status and request id, and its stages in order. With a response
// latency on the mock, the time from the last body byte to the answer holds that latency: what
// the bench reports as the server's share.
import t from 'tap';
import { OssClient } from '../lib/client.js';
import { startMockServer, DEFAULT_MOCK_CREDENTIALS } from '../lib/mock-server/index.js';
import type { RequestTiming } from '../lib/transport/observer.js';
import { seededBytes } from './helpers/seeded.js';

const BUCKET = 'observer-bucket';
const LATENCY_MS = 40;
const PART = 256 * 1024;

t.test('every attempt is reported, in order, with what it sent and got', async (t) => {
  const server = await startMockServer({ buckets: [BUCKET], latencyMs: LATENCY_MS });
  const timings: RequestTiming[] = [];
  const client = new OssClient({
    endpoint: server.url,
    bucket: BUCKET,
    credentials: DEFAULT_MOCK_CREDENTIALS,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    observer: (timing) => timings.push(timing),
  });
  t.teardown(async () => {
    await client.close();
    await server.close();
  });

  const { uploadId } = await client.initiateMultipartUpload({ key: 'observed.bin' });
  const initiate = timings.shift()!;
  t.match(initiate, { api: 'InitiateMultipartUpload', partNumber: undefined, attempt: 1, bytes: 0, bodySentMs: undefined, status: 200, error: undefined });
  t.ok(initiate.responseMs! - initiate.startMs >= LATENCY_MS - 1, 'the answer came after the latency');

  const body = seededBytes(PART, 7);
  const part = await client.uploadPart({ key: 'observed.bin', uploadId, partNumber: 3, body });
  t.equal(timings.length, 1, 'one report for one attempt');
  const sent = timings.shift()!;
  t.match(sent, { api: 'UploadPart', partNumber: 3, attempt: 1, bytes: PART, status: 200, requestId: part.requestId, error: undefined });
  t.ok(sent.startMs <= sent.bodySentMs! && sent.bodySentMs! <= sent.responseMs! && sent.responseMs! <= sent.endMs, 'start ≤ last byte sent ≤ response ≤ end');
  // The mock waits its latency only after reading the last byte, which the client sent before.
  t.ok(sent.responseMs! - sent.bodySentMs! >= LATENCY_MS - 1, 'last byte → response holds the server-side latency');

  // A refused first attempt and its retry are two reports.
  server.faults.add({ api: 'UploadPart', partNumber: 4, action: { type: 'error', status: 503, code: 'SlowDown' } });
  await client.uploadPart({ key: 'observed.bin', uploadId, partNumber: 4, body });
  t.equal(timings.length, 2);
  t.match(timings[0], { api: 'UploadPart', partNumber: 4, attempt: 1, status: 503 });
  t.match(timings[0]!.error, { code: 'SlowDown' }, 'the failed attempt carries its error');
  t.match(timings[1], { api: 'UploadPart', partNumber: 4, attempt: 2, status: 200, bytes: PART, error: undefined });
  timings.length = 0;

  // A connection cut mid-body: no answer, no complete body, an error; the retry succeeds.
  server.faults.add({ api: 'UploadPart', partNumber: 5, action: { type: 'drop', afterBytes: 1024 } });
  await client.uploadPart({ key: 'observed.bin', uploadId, partNumber: 5, body });
  const [dropped, retried] = timings;
  t.match(dropped, { partNumber: 5, attempt: 1, status: undefined, responseMs: undefined });
  t.ok(dropped!.error instanceof Error, 'the network error is reported');
  t.match(retried, { partNumber: 5, attempt: 2, status: 200 });
  timings.length = 0;

  // A string body (the Complete XML) and a streamed answer are timed too.
  await client.completeMultipartUpload({ key: 'observed.bin', uploadId, completeAll: true });
  t.match(timings.shift(), { api: 'CompleteMultipartUpload', status: 200, error: undefined });
  const object = await client.getObject({ key: 'observed.bin' });
  object.body.resume();
  t.match(timings.shift(), { api: 'GetObject', status: 200 });
});

t.test('an observer that throws never fails the request', async (t) => {
  const server = await startMockServer({ buckets: [BUCKET] });
  const client = new OssClient({
    endpoint: server.url,
    bucket: BUCKET,
    credentials: DEFAULT_MOCK_CREDENTIALS,
    observer: () => {
      throw new Error('observer bug');
    },
  });
  t.teardown(async () => {
    await client.close();
    await server.close();
  });
  await t.resolves(client.putObject({ key: 'still-stored.bin', body: Buffer.from('x') }));
  t.equal((await server.readObject(BUCKET, 'still-stored.bin')).toString(), 'x');
});
