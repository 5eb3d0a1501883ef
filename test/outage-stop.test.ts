// An outage of the service itself: the mock server, a child process, is killed mid-upload and
// started again 20 s later on the same port and data dir. The one upload run rides it out and the
// object is the file; with a retry budget shorter than the outage the run fails cleanly, keeps its
// checkpoint, and the next run resumes without resending the finished parts.
import t from 'tap';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OssClient } from '../lib/client.js';
import { OssNetworkError } from '../lib/errors.js';
import { checkpointPaths, resumableUpload, type UploadRetryEvent } from '../lib/index.js';
import { startMockChild } from './helpers/mock-child.js';
import { objectBytes } from './helpers/object-bytes.js';
import { seededFile } from './helpers/seeded.js';
import { waitFor } from './helpers/wait.js';

const BUCKET = 'outage-bucket';
const CREDENTIALS = { accessKeyId: 'outage-id', accessKeySecret: 'outage-secret' };
const PART = 102_400;
const PARTS = 12;
const OUTAGE_MS = 20_000;

const dir = mkdtempSync(join(tmpdir(), 'oss-outage-stop-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
// 100 ms per request: the upload takes a few seconds, long enough to be cut in the middle.
const server = await startMockChild(t, { bucket: BUCKET, credentials: CREDENTIALS, dataDir: join(dir, 'data'), args: ['--latency-ms', '100'] });

function client(retry: ConstructorParameters<typeof OssClient>[0]['retry'] = {}): OssClient {
  const c = new OssClient({ endpoint: server.url, bucket: BUCKET, credentials: CREDENTIALS, retry });
  t.teardown(() => c.close());
  return c;
}

const file = (name: string, seed: number) => seededFile(dir, name, PARTS * PART - 777, seed);

t.test('the server is down for 20 s mid-upload: the one run finishes by itself, byte-identical', async (t) => {
  const { path, data } = file('stopped.bin', 1);
  const c = client(); // the default retry budget
  const events: UploadRetryEvent[] = [];
  const notes: string[] = [];
  let sent = 0;
  const started = performance.now();
  const upload = resumableUpload(c, {
    file: path,
    key: 'stopped.bin',
    partSize: PART,
    parallel: 2,
    checkpointDir: join(dir, 'cp-stopped'),
    onProgress: (bytes) => (sent = bytes),
    onRetry: (event) => events.push(event),
    onNote: (note) => notes.push(note),
  });
  await waitFor(() => sent >= data.length * 0.3, 'a third of the upload', 30_000);
  await server.kill();
  const down = performance.now();
  setTimeout(() => void server.restart(), OUTAGE_MS);
  const result = await upload;
  const seconds = (performance.now() - started) / 1000;

  t.equal(result.size, data.length);
  t.ok((await objectBytes(c, 'stopped.bin')).equals(data), 'the object is the file');
  const retries = events.filter((e) => e.type === 'retry');
  const recovered = events.filter((e) => e.type === 'recovered');
  t.ok(retries.length >= 2, `${retries.length} retries`);
  t.ok(retries.every((e) => e.reason === 'network'), 'all of them for the network');
  t.equal(recovered.length, 1, 'one outage, one recovery');
  // The kill resets the connections in flight; new ones are refused until the restart.
  t.ok(retries.some((e) => e.type === 'retry' && (e.error.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED'), 'refused while down');
  t.match(notes.join('\n'), /(connection lost \(\w+\)|network unreachable \(ECONNREFUSED\)) \(UploadPart part \d+\): retrying for up to 10 min; \d+% of the upload is on the server and kept/);
  t.match(notes.join('\n'), /The server answers again after [\d.]+ s and \d+ retries; continuing/);
  const outage = recovered[0]!.type === 'recovered' ? recovered[0]!.outageMs : 0;
  t.ok(outage >= OUTAGE_MS - 1000, 'the outage lasted as long as the server was down');
  t.comment(`server down ${((performance.now() - down) / 1000).toFixed(1)} s before the end; outage ridden out in ${(outage / 1000).toFixed(1)} s with ${retries.length} retries; upload ${seconds.toFixed(1)} s`);
});

t.test('a retry budget shorter than the outage: a clean failure, the checkpoint kept, and the next run resumes', async (t) => {
  const { path, data } = file('budget.bin', 2);
  const checkpointDir = join(dir, 'cp-budget');
  const events: UploadRetryEvent[] = [];
  let sent = 0;
  const failing = resumableUpload(client({ retryForMs: 3000 }), {
    file: path,
    key: 'budget.bin',
    partSize: PART,
    parallel: 2,
    checkpointDir,
    onProgress: (bytes) => (sent = bytes),
    onRetry: (event) => events.push(event),
  });
  await waitFor(() => sent >= data.length * 0.3, 'a third of the upload', 30_000);
  await server.kill();
  const error = await failing.then(() => new Error('the upload succeeded with the server down'), (e: Error) => e);
  t.type(error, OssNetworkError);
  t.match(error.message, /gave up after \d+ attempts in [\d.]+ s without a successful request: the retry budget is 3 s/);
  t.match(error.message, /The checkpoint .* was kept: run the same upload again to resume/);
  t.ok(events.some((e) => e.type === 'retry'), 'it retried before giving up');
  const checkpoint = checkpointPaths(checkpointDir, { endpoint: server.url, bucket: BUCKET, key: 'budget.bin', filePath: resolve(path) }).checkpoint;
  t.ok(existsSync(checkpoint), 'the checkpoint is kept');

  await server.restart();
  const c = client();
  const [upload] = (await c.listAllMultipartUploads()).filter((u) => u.key === 'budget.bin');
  const onServer = await c.listAllParts({ key: 'budget.bin', uploadId: upload!.uploadId });
  t.ok(onServer.length >= 1 && onServer.length < PARTS, `${onServer.length} parts got there before the outage`);

  const resumed = await resumableUpload(c, { file: path, key: 'budget.bin', partSize: PART, parallel: 2, checkpointDir });
  t.equal(resumed.uploadId, upload!.uploadId, 'the same multipart upload');
  t.equal(resumed.partsReused, onServer.length, 'every finished part kept');
  t.equal(resumed.bytesSent, data.length - onServer.reduce((sum, p) => sum + p.size, 0), 'and none of them sent again');
  t.ok((await objectBytes(c, 'budget.bin')).equals(data), 'the object is the file');
  t.notOk(existsSync(checkpoint), 'the checkpoint is gone after success');
});
