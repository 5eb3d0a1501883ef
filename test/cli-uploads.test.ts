// The CLI as a user runs it: a child process (dist/cli/main.js) against the mock server in
// this process. `uploads` (list, --older-than, --abort), `abort`, and the demo.
import t from 'tap';
import { dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { OssClient } from '../lib/client.js';
import { runCli } from './helpers/cli-child.js';
import { startCliSetup } from './helpers/cli-setup.js';

const BUCKET = 'cli-uploads-bucket';
const CREDENTIALS = { accessKeyId: 'cli-test-id', accessKeySecret: 'cli-test-secret-value' };

const { server, work, client, env } = await startCliSetup(t, { bucket: BUCKET, credentials: CREDENTIALS });

t.test('uploads lists unfinished uploads; --older-than filters; --abort cleans them', async (t) => {
  const a = await client.initiateMultipartUpload({ key: 'stale/a.bin' });
  const b = await client.initiateMultipartUpload({ key: 'stale/b.bin' });
  const other = await client.initiateMultipartUpload({ key: 'keep/c.bin' });
  t.teardown(() => client.abortMultipartUpload({ key: 'keep/c.bin', uploadId: other.uploadId }).catch(() => {}));

  const human = await runCli(['uploads', `oss://${BUCKET}/stale/`], { env });
  t.equal(human.code, 0, human.stderr);
  t.match(human.stdout, /^KEY +UPLOAD ID +INITIATED\n/);
  t.match(human.stdout, new RegExp(`stale/a\\.bin +${a.uploadId} `));
  t.match(human.stdout, new RegExp(`stale/b\\.bin +${b.uploadId} `));
  t.notMatch(human.stdout, /keep\/c\.bin/, 'the prefix filters');
  t.match(human.stdout, /2 unfinished upload\(s\)$/m);

  const young = await runCli(['uploads', `oss://${BUCKET}/stale/`, '--older-than', '1h', '--abort', '--json'], { env });
  t.equal(young.code, 0, young.stderr);
  t.same(JSON.parse(young.stdout), { bucket: BUCKET, prefix: 'stale/', uploads: [], aborted: 0, checkpointsRemoved: 0 }, 'nothing is an hour old');
  t.equal(server.listUploads(BUCKET).length, 3, 'nothing aborted');

  const cleaned = await runCli(['uploads', `oss://${BUCKET}/stale/`, '--older-than', '0s', '--abort', '--json'], { env });
  t.equal(cleaned.code, 0, cleaned.stderr);
  const report = JSON.parse(cleaned.stdout);
  t.equal(report.aborted, 2);
  t.same(report.uploads.map((u: { key: string; aborted: boolean }) => [u.key, u.aborted]).sort(), [['stale/a.bin', true], ['stale/b.bin', true]]);
  t.same(server.listUploads(BUCKET).map((u) => u.key), ['keep/c.bin'], 'only the upload outside the prefix is left');
});

const HOUR_MS = 3_600_000;

/**
 * Starts an upload whose Initiated time is `ageMs` ago: the mock stamps it with its own clock,
 * set back meanwhile, and a client of its own adopts that clock (after one RequestTimeTooSkewed).
 */
async function initiateAged(key: string, ageMs: number): Promise<string> {
  server.setClockSkew(-ageMs);
  const pastClient = new OssClient({ endpoint: server.url, credentials: CREDENTIALS, bucket: BUCKET });
  try {
    return (await pastClient.initiateMultipartUpload({ key })).uploadId;
  } finally {
    server.setClockSkew(0);
    await pastClient.close();
  }
}

t.test('uploads --older-than 24h --abort: only the uploads older than that are aborted', async (t) => {
  const old = [await initiateAged('aged/two-days.bin', 48 * HOUR_MS), await initiateAged('aged/25h.bin', 25 * HOUR_MS)];
  const young = [await initiateAged('aged/23h.bin', 23 * HOUR_MS), (await client.initiateMultipartUpload({ key: 'aged/new.bin' })).uploadId];
  t.teardown(() => Promise.all(server.listUploads(BUCKET).map((u) => client.abortMultipartUpload({ key: u.key, uploadId: u.uploadId }).catch(() => {}))));

  const result = await runCli(['uploads', `oss://${BUCKET}/aged/`, '--older-than', '24h', '--abort', '--json'], { env });
  t.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  t.equal(report.aborted, 2);
  t.same(report.uploads.map((u: { uploadId: string; aborted: boolean }) => [u.uploadId, u.aborted]).sort(), old.map((id) => [id, true]).sort(), 'the listed uploads are the old ones');
  t.same(server.listUploads(BUCKET).map((u) => u.uploadId).sort(), [...young].sort(), 'the younger ones are still there');

  const human = await runCli(['uploads', `oss://${BUCKET}/aged/`, '--older-than', '24h', '--abort'], { env });
  t.equal(human.code, 0, human.stderr);
  t.match(human.stdout, /^aborted 0 of 0 matching upload\(s\) \(2 unfinished in total\)$/m, 'a second run finds nothing old');
});

t.test('abort --upload-id aborts exactly that upload', async (t) => {
  const first = await client.initiateMultipartUpload({ key: 'abort/me.bin' });
  const second = await client.initiateMultipartUpload({ key: 'abort/me.bin' });
  t.teardown(() => client.abortMultipartUpload({ key: 'abort/me.bin', uploadId: second.uploadId }).catch(() => {}));
  const result = await runCli(['abort', `oss://${BUCKET}/abort/me.bin`, '--upload-id', first.uploadId, '--json'], { env });
  t.equal(result.code, 0, result.stderr);
  t.match(JSON.parse(result.stdout), { bucket: BUCKET, key: 'abort/me.bin', uploadId: first.uploadId, aborted: true });
  t.same(server.listUploads(BUCKET).filter((u) => u.key === 'abort/me.bin').map((u) => u.uploadId), [second.uploadId]);

  const again = await runCli(['abort', `oss://${BUCKET}/abort/me.bin`, '--upload-id', first.uploadId], { env });
  t.equal(again.code, 1, 'aborting it twice is a failure');
  t.match(again.stderr, /NoSuchUpload.*request id/);
});

t.test('demo: interrupted, resumed, verified identical, temp files removed', async (t) => {
  const result = await runCli(['demo', '--size', '2MiB', '--part-size', '128KiB', '--json'], { env: { HOME: work } });
  t.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  t.match(report, { size: 2 * 1024 * 1024, partSize: 128 * 1024, parts: 16, lostPart: 7, identical: true });
  t.equal(report.partsReused, 6, 'the six parts before the outage were kept');
  t.equal(report.bytesSentOnResume, 10 * 128 * 1024, 'only the other ten were sent again');
  t.ok(report.bytesResent > 0, 'the cut-off attempts cost bytes');
  t.match(result.stderr, /The upload stopped after .*ECONNRESET|The upload stopped after .*UploadPart/);
  t.match(result.stderr, /Resuming upload [0-9A-F]+: 6 of 16 parts are already on the server/);
  t.notOk(existsSync(dirname(dirname(report.checkpoint))), 'the demo removed its temp dir');
});
