// The transport's one retry policy over real loopback HTTP: bounded by time (one outage clock per
// client, restarted by any success), the server's own retry hints, and a 200 answer whose body is
// an <Error> (CompleteMultipartUpload through S3-like front ends or proxies).
import t from 'tap';
import { OssClient } from '../lib/client.js';
import { OssNetworkError, OssServiceError } from '../lib/errors.js';
import type { RetryWait } from '../lib/api/types.js';
import { scriptedServerFor, xmlError, ok, type Handler } from './helpers/scripted-server.js';

const creds = { accessKeyId: 'ak-retry', accessKeySecret: 'sk-retry' };
const INIT_XML = '<?xml version="1.0"?><InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>k</Key><UploadId>UP1</UploadId></InitiateMultipartUploadResult>';
const COMPLETE_XML =
  '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Location>http://bkt/k</Location><Bucket>bkt</Bucket><Key>k</Key><ETag>"ABC-1"</ETag></CompleteMultipartUploadResult>';
const PARTS = [{ partNumber: 1, etag: '"0123456789ABCDEF0123456789ABCDEF"' }];

const server = await scriptedServerFor(t);

function client(retry: ConstructorParameters<typeof OssClient>[0]['retry'] = {}): OssClient {
  const c = new OssClient({ endpoint: server.url, bucket: 'bkt', credentials: creds, retry: { baseDelayMs: 5, maxDelayMs: 20, ...retry } });
  t.teardown(() => c.close());
  return c;
}

/** A 200 whose body is an OSS <Error> document, as S3 sends for a CompleteMultipartUpload that failed late. */
function errorIn200(code: string): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/xml', 'x-oss-request-id': `RID200-${code}` });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>late ${code}</Message><RequestId>RID200-${code}</RequestId></Error>`);
  };
}

t.test('a CompleteMultipartUpload answered 200 with an <Error> body is that service error', async (t) => {
  t.test('a server-side code is retried like a 500', async (t) => {
    server.script(errorIn200('InternalError'), ok({ etag: '"ABC-1"' }, COMPLETE_XML));
    const retried: string[] = [];
    const result = await client().completeMultipartUpload({ key: 'k', uploadId: 'UP1', parts: PARTS, onRetry: (_n, e) => retried.push((e as OssServiceError).code) });
    t.equal(result.etag, '"ABC-1"');
    t.same(retried, ['InternalError'], 'retried once, as a service error with its code');
    t.equal(server.seen.length, 2);
  });

  t.test('a client-side code fails at once with its code, not as unreadable XML', async (t) => {
    server.script(errorIn200('AccessDenied'));
    const err = await client().completeMultipartUpload({ key: 'k', uploadId: 'UP1', parts: PARTS }).catch((e) => e);
    t.type(err, OssServiceError);
    t.equal(err.code, 'AccessDenied');
    t.equal(err.status, 200, 'the status it came with');
    t.equal(err.requestId, 'RID200-AccessDenied');
    t.match(err.message, /CompleteMultipartUpload: OSS 200 AccessDenied: late AccessDenied/);
    t.equal(server.seen.length, 1, 'not retried');
  });

  t.test('a retryable code that never clears ends with the budget, still as that service error', async (t) => {
    server.script(errorIn200('ServiceUnavailable'));
    const err = await client({ retryForMs: 200 }).completeMultipartUpload({ key: 'k', uploadId: 'UP1', parts: PARTS }).catch((e) => e);
    t.type(err, OssServiceError);
    t.equal(err.code, 'ServiceUnavailable');
    t.ok(server.seen.length > 1);
  });
});

t.test("the server's own wait is honoured: Retry-After (seconds) and x-oss-qos-delay-time (ms)", async (t) => {
  const throttled = (headers: Record<string, string>): Handler => (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/xml', ...headers });
    res.end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
  };
  server.script(throttled({ 'retry-after': '1' }), throttled({ 'x-oss-qos-delay-time': '300' }), ok({}, INIT_XML));
  const waits: RetryWait[] = [];
  const result = await client().initiateMultipartUpload({ key: 'k', onRetry: (_n, _e, wait) => waits.push(wait) });
  t.equal(result.uploadId, 'UP1');
  t.same(
    waits.map((w) => [w.delayMs, w.reason]),
    [
      [1000, 'throttled'],
      [300, 'throttled'],
    ],
    'the asked wait instead of a 20 ms backoff',
  );
});

t.test("a wait the server asks for is cut to what is left of the budget", async (t) => {
  server.script((_req, res) => {
    res.writeHead(503, { 'retry-after': '3600' });
    res.end('<Error><Code>SlowDown</Code><Message>later</Message></Error>');
  }, ok({}, INIT_XML));
  const waits: number[] = [];
  const result = await client({ retryForMs: 300 }).initiateMultipartUpload({ key: 'k', onRetry: (_n, _e, wait) => waits.push(wait.delayMs) });
  t.equal(result.uploadId, 'UP1');
  t.equal(waits.length, 1);
  t.ok(waits[0]! <= 300 && waits[0]! > 200, `waited ${waits[0]} ms, not an hour`);
});

t.test('retries are bounded by time, shared by the requests of one client, and restarted by any success', async (t) => {
  const c = client({ retryForMs: 500 });
  server.script(xmlError(500, 'InternalError'));
  // Four requests failing together in one outage share one budget: none outlives it by much.
  const failures = await Promise.all([1, 2, 3, 4].map(() => c.initiateMultipartUpload({ key: 'k' }).then(() => new Error('succeeded'), (e: Error) => e)));
  for (const err of failures) {
    t.type(err, OssServiceError);
    t.match(err.message, /gave up after \d+ attempts in [\d.]+ s without a successful request: the retry budget is 0.5 s/);
  }
  t.ok(server.seen.length > 8, `${server.seen.length} attempts in all: retried until the budget, not a count`);

  // The outage is still on (no success since): a new request does not get a fresh budget.
  server.seen.length = 0;
  const late: Error = await c.initiateMultipartUpload({ key: 'k' }).then(() => new Error('succeeded'), (e: Error) => e);
  t.type(late, OssServiceError);
  t.equal(server.seen.length, 1, 'one attempt: the client has been failing for longer than the budget');
  t.match(late.message, /gave up after 1 attempts/);

  // One success ends the outage: the next failure starts a new one with the whole budget.
  server.script(ok({}, INIT_XML));
  await c.initiateMultipartUpload({ key: 'k' });
  server.script(xmlError(500, 'InternalError'), xmlError(500, 'InternalError'), ok({}, INIT_XML));
  server.seen.length = 0;
  t.equal((await c.initiateMultipartUpload({ key: 'k' })).uploadId, 'UP1', 'retried again after the success');
  t.equal(server.seen.length, 3);
});

t.test('retryForMs 0 fails at once; maxAttempts still caps the count', async (t) => {
  server.script(xmlError(503, 'ServiceUnavailable'));
  const none = await client({ retryForMs: 0 }).initiateMultipartUpload({ key: 'k' }).catch((e) => e);
  t.type(none, OssServiceError);
  t.equal(server.seen.length, 1);
  t.match(none.message, /not retried: the retry budget is 0/);

  server.seen.length = 0;
  server.script((_req, res) => res.socket?.destroy());
  const capped = await client({ maxAttempts: 3 }).initiateMultipartUpload({ key: 'k' }).catch((e) => e);
  t.type(capped, OssNetworkError);
  t.equal(server.seen.length, 3);
  t.match(capped.message, /gave up after 3 attempts, the attempt limit/);
});

t.test('bad retry options are refused before any request', async (t) => {
  t.throws(() => new OssClient({ endpoint: server.url, credentials: creds, retry: { retryForMs: -1 } }), { name: 'OssInvalidArgumentError' });
  t.throws(() => new OssClient({ endpoint: server.url, credentials: creds, retry: { maxAttempts: 0 } }), { name: 'OssInvalidArgumentError' });
  t.throws(() => new OssClient({ endpoint: server.url, credentials: creds, timeouts: { headersMs: Number.NaN } }), { name: 'OssInvalidArgumentError' });
});
