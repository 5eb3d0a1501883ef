// Re-running and stopping, as a user hits it: a flag left out on the re-run, --json on Ctrl-C,
// the resume note and the final summary counting the same parts, unusable checkpoint directories,
// checkpoints cleaned up after `abort` / `uploads --abort`, the wait for Complete, odd ETags.
import t from 'tap';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSampleFile } from '../lib/cli/demo/sample-file.js';
import { runCli, waitFor } from './helpers/cli-child.js';
import { startCliSetup } from './helpers/cli-setup.js';
import { rewritingProxy } from './helpers/rewriting-proxy.js';

const BUCKET = 'edges-bucket';
const CREDENTIALS = { accessKeyId: 'edges-test-id', accessKeySecret: 'edges-test-secret' };
const PART = 128 * 1024;
const PARTS = 8;

const { server, work, client, env } = await startCliSetup(t, { bucket: BUCKET, credentials: CREDENTIALS, workPrefix: 'oss-resumable-cli-edges-' });

async function sample(name: string, seed: number, size = PART * PARTS - 1000) {
  const file = join(work, `${name}.bin`);
  await writeSampleFile(file, size, seed);
  return { file, key: `${name}.bin`, url: `oss://${BUCKET}/${name}.bin` };
}

function uploadsOf(key: string) {
  return server.listUploads(BUCKET).filter((u) => u.key === key);
}

async function checkpointsIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.checkpoint.json'));
}

/** Runs the CLI and sends SIGINT once `parts` parts of `key` are on the server (part parts+1 stalls). */
async function interruptAfter(args: string[], childEnv: Record<string, string>, key: string, parts: number) {
  server.faults.add({ api: 'UploadPart', key, partNumber: parts + 1, action: { type: 'stall', ms: 3000 } });
  const result = await runCli(args, {
    env: childEnv,
    onSpawn: (child) => {
      waitFor(() => uploadsOf(key)[0]?.parts.length === parts, `${parts} parts on the server`).then(
        () => child.kill('SIGINT'),
        () => child.kill('SIGKILL'),
      );
    },
  });
  server.faults.clear();
  return result;
}

t.test('a re-run without --part-size takes the checkpoint\'s and resumes; a different one restarts and says why', async (t) => {
  const { file, key, url } = await sample('partsize', 1);
  const checkpointDir = join(work, 'cp-partsize');
  const base = ['upload', file, url, '--parallel', '1', '--checkpoint-dir', checkpointDir, '--json'];
  const interrupted = await interruptAfter([...base, '--part-size', '128KiB'], env, key, 3);
  t.equal(interrupted.code, 130, interrupted.stderr);
  const [upload] = uploadsOf(key);

  const resumed = await runCli(base, { env });
  t.equal(resumed.code, 0, resumed.stderr);
  t.match(resumed.stderr, /Continuing with the checkpoint's part size of 131072 bytes, as none was given/);
  t.notMatch(resumed.stderr, /Not resuming/);
  const json = JSON.parse(resumed.stdout);
  t.equal(json.uploadId, upload!.uploadId, 'the same multipart upload');
  t.equal(json.partsReused, 3);
  t.same(await server.readObject(BUCKET, key), await readFile(file));

  const again = await interruptAfter([...base, '--part-size', '128KiB'], env, key, 2);
  t.equal(again.code, 130);
  const restarted = await runCli([...base, '--part-size', '256KiB'], { env });
  t.equal(restarted.code, 0, restarted.stderr);
  t.match(restarted.stderr, /Not resuming from checkpoint .*: it was made with part size 131072, this run uses 262144; aborting its upload/);
  t.equal(JSON.parse(restarted.stdout).partsReused, 0);
});

t.test('--json on Ctrl-C prints one object: interrupted, the resume command, the upload id, the parts kept', async (t) => {
  const { file, key, url } = await sample('jsonint', 2);
  const stateHome = join(work, 'state-json');
  const args = ['upload', file, url, '--part-size', '128KiB', '--parallel', '1', '--json'];
  const interrupted = await interruptAfter(args, { ...env, XDG_STATE_HOME: stateHome }, key, 3);
  t.equal(interrupted.code, 130, interrupted.stderr);
  const lines = interrupted.stdout.trim().split('\n');
  t.equal(lines.length, 1, 'exactly one line on stdout');
  const json = JSON.parse(lines[0]!);
  t.equal(json.interrupted, true);
  t.equal(json.aborted, false);
  t.equal(json.uploadId, uploadsOf(key)[0]!.uploadId);
  t.equal(json.partsKept, 3);
  t.match(json.resumeCommand, /upload .*jsonint\.bin oss:\/\/edges-bucket\/jsonint\.bin --part-size 128KiB --parallel 1 --json$/);
  t.match(json.checkpoint, join(stateHome, 'oss-resumable'));

  const other = await sample('jsonint-cancel', 12);
  const cancelled = await interruptAfter(['upload', other.file, other.url, '--part-size', '128KiB', '--parallel', '1', '--json', '--abort-on-cancel'], { ...env, XDG_STATE_HOME: stateHome }, other.key, 3);
  t.equal(cancelled.code, 130);
  t.same(JSON.parse(cancelled.stdout), { interrupted: true, aborted: true });
});

t.test('the resume note and the summary count the same parts, and say where a difference comes from', async (t) => {
  const { file, key, url } = await sample('counts', 3);
  const checkpointDir = join(work, 'cp-counts');
  const args = ['upload', file, url, '--part-size', '128KiB', '--parallel', '1', '--checkpoint-dir', checkpointDir];
  const interrupted = await interruptAfter(args, env, key, 3);
  t.equal(interrupted.code, 130);
  // Part 4 reaches the server but not the checkpoint, as when a run is killed right after sending it.
  const [upload] = uploadsOf(key);
  const data = await readFile(file);
  await client.uploadPart({ key, uploadId: upload!.uploadId, partNumber: 4, body: data.subarray(3 * PART, 4 * PART) });

  const resumed = await runCli(args, { env });
  t.equal(resumed.code, 0, resumed.stderr);
  t.match(resumed.stderr, /Resuming upload [0-9A-F]+: 4 of 8 parts are already on the server; each is re-read and kept only if it hashes to the server's ETag/);
  t.match(resumed.stdout, /; 4 of 8 parts \(512\.0 KiB\) were already on the server/, 'the summary counts the recorded and the matched parts');
});

t.test('an unusable checkpoint directory names --checkpoint-dir or XDG_STATE_HOME; a single-PUT file does not need one', async (t) => {
  const blocker = join(work, 'not-a-dir');
  await writeFile(blocker, 'a file where a directory should be');
  const { file, url } = await sample('cpdir', 4);

  const flag = await runCli(['upload', file, url, '--part-size', '128KiB', '--checkpoint-dir', join(blocker, 'cp')], { env });
  t.equal(flag.code, 1);
  t.match(flag.stderr, /Unusable checkpoint directory: .*not-a-dir\/cp cannot be created \((ENOTDIR|EEXIST)[^)]*\); create it or use a private checkpoint directory.*; pass a writable --checkpoint-dir/s);
  t.notMatch(flag.stderr, /Invalid checkpointDir/);

  const xdg = await runCli(['upload', file, url, '--part-size', '128KiB'], { env: { ...env, XDG_STATE_HOME: blocker } });
  t.equal(xdg.code, 1);
  t.match(xdg.stderr, /set XDG_STATE_HOME to a writable directory or pass --checkpoint-dir/);

  const small = await sample('cpdir-small', 5, 5000);
  const single = await runCli(['upload', small.file, small.url, '--checkpoint-dir', join(blocker, 'cp'), '--json'], { env });
  t.equal(single.code, 0, single.stderr);
  t.match(single.stderr, /a single PutObject needs none, so uploading without a checkpoint/);
  t.equal(JSON.parse(single.stdout).size, 5000);
});

t.test('abort and uploads --abort remove the local checkpoints of the uploads they abort', async (t) => {
  const stateHome = join(work, 'state-abort');
  const childEnv = { ...env, XDG_STATE_HOME: stateHome };
  const checkpointDir = join(stateHome, 'oss-resumable');
  const one = await sample('abort-one', 6);
  const two = await sample('abort-two', 7);
  for (const s of [one, two]) {
    const interrupted = await interruptAfter(['upload', s.file, s.url, '--part-size', '128KiB', '--parallel', '1'], childEnv, s.key, 2);
    t.equal(interrupted.code, 130, interrupted.stderr);
  }
  t.equal((await checkpointsIn(checkpointDir)).length, 2);

  const [first] = uploadsOf(one.key);
  const aborted = await runCli(['abort', one.url, '--upload-id', first!.uploadId, '--json'], { env: childEnv });
  t.equal(aborted.code, 0, aborted.stderr);
  t.equal(JSON.parse(aborted.stdout).checkpointsRemoved, 1);
  t.match(aborted.stderr, /removed its local checkpoint/);
  t.equal((await checkpointsIn(checkpointDir)).length, 1, 'only the other upload\'s checkpoint is left');

  const cleaned = await runCli(['uploads', `oss://${BUCKET}/abort-`, '--older-than', '0s', '--abort', '--json'], { env: childEnv });
  t.equal(cleaned.code, 0, cleaned.stderr);
  t.equal(JSON.parse(cleaned.stdout).checkpointsRemoved, 1);
  t.same(await checkpointsIn(checkpointDir), [], 'no checkpoint left for an aborted upload');
});

t.test('the wait for CompleteMultipartUpload is reported apart from the send', async (t) => {
  const { file, key, url } = await sample('completing', 8);
  server.faults.add({ api: 'CompleteMultipartUpload', key, action: { type: 'stall', ms: 1500 } });
  const human = await runCli(['upload', file, url, '--part-size', '128KiB', '--checkpoint-dir', join(work, 'cp-completing')], { env });
  server.faults.clear();
  t.equal(human.code, 0, human.stderr);
  const match = /in ([\d.]+)s: sent 1023\.0 KiB in ([\d.]+)s \([^)]+\/s\), completing ([\d.]+)s/.exec(human.stdout);
  t.ok(match, `total, send and completing times apart: ${human.stdout}`);
  t.ok(Number(match?.[3]) >= 1.4, 'the completing time includes the server\'s 1.5 s');
  t.ok(Number(match?.[2]) < Number(match?.[1]), 'the send time excludes it');
});

t.test('a Complete ETag that is not "<md5>-<parts>" is warned about; the upload still succeeds', async (t) => {
  const { file, url } = await sample('etag', 9);
  const endpoint = await rewritingProxy(t, server.url, (req) =>
    req.method === 'POST' && req.url?.includes('uploadId=')
      ? { body: `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Bucket>${BUCKET}</Bucket><Key>etag.bin</Key><ETag>"D41D8CD98F00B204E9800998ECF8427E"</ETag></CompleteMultipartUploadResult>` }
      : undefined,
  );
  const result = await runCli(['upload', file, url, '--part-size', '128KiB', '--endpoint', endpoint, '--json', '--quiet', '--checkpoint-dir', join(work, 'cp-etag')], { env });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stderr, /warning: the server reported ETag "D41D8CD98F00B204E9800998ECF8427E" for the completed object, which is not a multipart ETag of 8 part\(s\)/);
  t.match(JSON.parse(result.stdout).warning, /not a multipart ETag of 8 part/);

  const fine = await runCli(['upload', file, url, '--part-size', '128KiB', '--json', '--checkpoint-dir', join(work, 'cp-etag')], { env });
  t.equal(fine.code, 0);
  t.notMatch(fine.stderr, /warning/, 'a real multipart ETag draws no warning');
  t.equal(JSON.parse(fine.stdout).warning, undefined);
});
