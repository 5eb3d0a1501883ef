// Connections that accept and never answer. The mock server, a child process, is frozen with
// SIGSTOP for 20 s mid-upload (the kernel still accepts connections and takes bytes; nothing
// answers) and thawed: the stall timeout abandons each stuck request for a fresh connection,
// the retry budget outlasts the freeze, and the one run finishes by itself. And a single part
// the server holds unanswered (the `stall` fault) is abandoned within `--stall-timeout`.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OssClient } from '../lib/client.js';
import { resumableUpload, type UploadRetryEvent } from '../lib/index.js';
import { runCli } from './helpers/cli-child.js';
import { startMockChild } from './helpers/mock-child.js';
import { objectBytes } from './helpers/object-bytes.js';
import { seededFile } from './helpers/seeded.js';
import { waitFor } from './helpers/wait.js';

const BUCKET = 'stall-bucket';
const CREDENTIALS = { accessKeyId: 'stall-id', accessKeySecret: 'stall-secret' };
const PART = 102_400;
const PARTS = 12;
const FREEZE_MS = 20_000;
/** Short, so a frozen server is noticed in seconds (the default is 60 s). */
const STALL_MS = 2000;

const dir = mkdtempSync(join(tmpdir(), 'oss-outage-stall-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, seed: number) => seededFile(dir, name, PARTS * PART - 333, seed);

t.test('the server is frozen (SIGSTOP) for 20 s mid-upload: the one run finishes by itself, byte-identical', async (t) => {
  const server = await startMockChild(t, { bucket: BUCKET, credentials: CREDENTIALS, dataDir: join(dir, 'data-frozen'), args: ['--latency-ms', '100'] });
  const c = new OssClient({ endpoint: server.url, bucket: BUCKET, credentials: CREDENTIALS, timeouts: { headersMs: STALL_MS, bodyMs: STALL_MS } });
  t.teardown(() => c.close());
  const { path, data } = file('frozen.bin', 3);
  const events: UploadRetryEvent[] = [];
  let sent = 0;
  const started = performance.now();
  const upload = resumableUpload(c, {
    file: path,
    key: 'frozen.bin',
    partSize: PART,
    parallel: 2,
    checkpointDir: join(dir, 'cp-frozen'),
    onProgress: (bytes) => (sent = bytes),
    onRetry: (event) => events.push(event),
  });
  await waitFor(() => sent >= data.length * 0.3, 'a third of the upload', 30_000);
  server.freeze();
  const thawed = new Promise<void>((resolve) => setTimeout(() => resolve(server.thaw()), FREEZE_MS));
  const result = await upload;
  await thawed;
  const seconds = (performance.now() - started) / 1000;

  t.equal(result.size, data.length);
  t.ok((await objectBytes(c, 'frozen.bin')).equals(data), 'the object is the file');
  const retries = events.filter((e) => e.type === 'retry');
  t.ok(retries.length >= 2, `${retries.length} retries`);
  t.ok(retries.some((e) => e.reason === 'stalled'), 'stalled connections were abandoned');
  const recovered = events.find((e) => e.type === 'recovered');
  const outage = recovered?.type === 'recovered' ? recovered.outageMs : 0;
  t.ok(outage >= FREEZE_MS - STALL_MS - 1000, `the outage lasted about as long as the freeze (${outage} ms)`);
  t.comment(`freeze ridden out: ${(outage / 1000).toFixed(1)} s from the first failure to the first success after it, ${retries.length} retries (${retries.filter((e) => e.reason === 'stalled').length} stalls); upload ${seconds.toFixed(1)} s`);
});

t.test('a part the server never answers is abandoned within --stall-timeout and retried on a fresh connection', async (t) => {
  // Part 2's first request is held for 30 s (the mock reads nothing and answers nothing meanwhile).
  const server = await startMockChild(t, { bucket: BUCKET, credentials: CREDENTIALS, dataDir: join(dir, 'data-stall'), args: ['--fault', 'UploadPart#2:stall:30000'] });
  const { path, data } = file('stalled.bin', 4);
  const env = { OSS_ENDPOINT: server.url, OSS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, OSS_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret, HOME: dir };
  const args = ['upload', path, `oss://${BUCKET}/stalled.bin`, '--part-size', '100KB', '--parallel', '2', '--stall-timeout', '1s', '--json'];
  const run = await runCli(args, { env, timeoutMs: 60_000 });
  t.equal(run.code, 0, run.stderr);
  const json = JSON.parse(run.stdout);
  t.ok(json.seconds < 30, `done in ${json.seconds} s: the 30 s stall was not waited out`);
  t.equal(json.retries, 1, 'one retry: the stalled part');
  t.match(run.stderr, /^the connection stalled \(UploadPart part 2\): retrying for up to 10 min; \d+% of the upload is on the server and kept$/m);
  const c = new OssClient({ endpoint: server.url, bucket: BUCKET, credentials: CREDENTIALS });
  t.teardown(() => c.close());
  t.ok((await objectBytes(c, 'stalled.bin')).equals(data), 'the object is the file');
  t.comment(`stall abandoned and retried: upload done in ${json.seconds} s`);
});
