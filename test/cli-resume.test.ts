// Resuming by re-running the same command: after a network loss (exit 1) and after Ctrl-C
// (SIGINT → exit 130, checkpoint kept), and --abort-on-cancel (SIGINT → upload and checkpoint gone).
import t from 'tap';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSampleFile } from '../lib/cli/demo/sample-file.js';
import { runCli, waitFor } from './helpers/cli-child.js';
import { startCliSetup } from './helpers/cli-setup.js';

const BUCKET = 'resume-bucket';
const CREDENTIALS = { accessKeyId: 'resume-test-id', accessKeySecret: 'resume-test-secret' };
const PART = 128 * 1024;
const PARTS = 8;

const { server, work, env } = await startCliSetup(t, { bucket: BUCKET, credentials: CREDENTIALS, workPrefix: 'oss-resumable-cli-resume-' });

/** A fresh file of PARTS parts and the args to upload it one part at a time. */
async function scenario(name: string, seed: number) {
  const file = join(work, `${name}.bin`);
  await writeSampleFile(file, PART * PARTS - 1000, seed);
  const args = ['upload', file, `oss://${BUCKET}/${name}.bin`, '--part-size', '128KiB', '--parallel', '1', '--json'];
  return { file, key: `${name}.bin`, args };
}

function uploadsOf(key: string) {
  return server.listUploads(BUCKET).filter((u) => u.key === key);
}

/** Runs the CLI and sends it `signal` once `ready()` holds (SIGKILL if it never does). */
function runAndSignal(args: string[], env: Record<string, string>, signal: NodeJS.Signals, ready: () => boolean, what: string) {
  return runCli(args, {
    env,
    onSpawn: (child) => {
      waitFor(ready, what).then(
        () => child.kill(signal),
        () => child.kill('SIGKILL'),
      );
    },
  });
}

/** UploadPart requests per part number of one upload, as the server counted them. */
function partRequests(uploadId: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [id, count] of server.stats.partUploads) {
    const [upload, part] = id.split(':');
    if (upload === uploadId) counts.set(Number(part), count);
  }
  return counts;
}

t.test('a network loss fails the run (exit 1); the same command resumes and sends only the rest', async (t) => {
  const { file, key, args } = await scenario('netloss', 1);
  const checkpointDir = join(work, 'cp-netloss');
  // Part 3's connection is cut every time, so the transport's retries run out (a 1 s budget, not the default 10 min).
  server.faults.add({ api: 'UploadPart', key, partNumber: 3, times: Infinity, action: { type: 'drop', afterBytes: 1000 } });
  const failed = await runCli([...args, '--checkpoint-dir', checkpointDir, '--retry-for', '1s'], { env });
  server.faults.clear();
  t.equal(failed.code, 1, 'the run fails');
  t.match(failed.stderr, /^error: UploadPart: .*retry budget is 1 s.*checkpoint .* was kept: run the same upload again to resume/m);
  t.match(failed.stderr, /^connection lost \(\w+\) \(UploadPart part 3\): retrying for up to 1 s; 25% of the upload is on the server and kept$/m, 'one note when the outage starts');
  t.match(failed.stdout, /"error"/, 'with --json the failure is a JSON object too');
  t.equal(uploadsOf(key).length, 1, 'the upload stays on the server');
  const [upload] = uploadsOf(key);
  t.same(upload!.parts, [1, 2], 'parts 1 and 2 got there');

  const resumed = await runCli([...args, '--checkpoint-dir', checkpointDir], { env });
  t.equal(resumed.code, 0, resumed.stderr);
  t.match(resumed.stderr, /Resuming upload [0-9A-F]+: 2 of 8 parts are already on the server/, 'says how much was already there');
  const json = JSON.parse(resumed.stdout);
  t.equal(json.uploadId, upload!.uploadId, 'the same multipart upload');
  t.equal(json.partsReused, 2);
  t.equal(json.bytesSent, json.size - 2 * PART, 'only the missing parts were sent');
  const requests = partRequests(upload!.uploadId);
  t.equal(requests.get(1), 1, 'part 1 was sent once in all');
  t.equal(requests.get(2), 1, 'part 2 was sent once in all');
  t.same(await server.readObject(BUCKET, key), await readFile(file));
  t.same(await readdir(checkpointDir).then((names) => names.filter((n) => n.endsWith('.checkpoint.json'))), [], 'the checkpoint is deleted once done');
});

t.test('Ctrl-C pauses: exit 130, checkpoint kept in the default state dir, resume command printed; re-running resumes', async (t) => {
  const { file, key, args } = await scenario('sigint', 2);
  const stateHome = join(work, 'state');
  const childEnv = { ...env, XDG_STATE_HOME: stateHome };
  // Part 4 is held by the server, so the child is reliably mid-upload when Ctrl-C arrives.
  server.faults.add({ api: 'UploadPart', key, partNumber: 4, action: { type: 'stall', ms: 3000 } });
  const interrupted = await runAndSignal(args, childEnv, 'SIGINT', () => uploadsOf(key)[0]?.parts.length === 3, 'three parts on the server');
  server.faults.clear();
  t.equal(interrupted.code, 130, interrupted.stderr);
  t.equal(JSON.parse(interrupted.stdout).interrupted, true, 'with --json, one object saying it was interrupted');
  t.match(interrupted.stderr, /interrupted: stopping, the checkpoint is kept/);
  const checkpointDir = join(stateHome, 'oss-resumable');
  t.match(interrupted.stderr, `Paused; the checkpoint is in ${checkpointDir}. To resume, run:`);
  t.match(interrupted.stderr, `${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}\n`, 'the exact command');
  const checkpoints = (await readdir(checkpointDir)).filter((n) => n.endsWith('.checkpoint.json'));
  t.equal(checkpoints.length, 1, 'the checkpoint is kept');
  const [upload] = uploadsOf(key);
  t.ok(upload, 'the upload is kept on the server');

  const resumed = await runCli(args, { env: childEnv });
  t.equal(resumed.code, 0, resumed.stderr);
  const json = JSON.parse(resumed.stdout);
  t.equal(json.uploadId, upload!.uploadId);
  t.equal(json.partsReused, 3);
  t.same(await server.readObject(BUCKET, key), await readFile(file));
});

t.test('Ctrl-C with --abort-on-cancel aborts the upload and deletes the checkpoint', async (t) => {
  const { key, args } = await scenario('cancel', 3);
  const checkpointDir = join(work, 'cp-cancel');
  server.faults.add({ api: 'UploadPart', key, partNumber: 2, action: { type: 'stall', ms: 3000 } });
  const interrupted = await runAndSignal([...args, '--checkpoint-dir', checkpointDir, '--abort-on-cancel'], env, 'SIGINT', () => uploadsOf(key)[0]?.parts.length === 1, 'one part on the server');
  server.faults.clear();
  t.equal(interrupted.code, 130, interrupted.stderr);
  t.match(interrupted.stderr, /The upload was aborted and its checkpoint deleted\./);
  t.same(uploadsOf(key), [], 'no upload left on the server');
  t.same((await readdir(checkpointDir)).filter((n) => n.endsWith('.checkpoint.json')), [], 'no checkpoint left');
});

t.test('SIGTERM (kill) stops the upload the same way as Ctrl-C: exit 130, checkpoint kept', async (t) => {
  const { key, args } = await scenario('sigterm', 4);
  const checkpointDir = join(work, 'cp-sigterm');
  server.faults.add({ api: 'UploadPart', key, partNumber: 2, action: { type: 'stall', ms: 3000 } });
  const killed = await runAndSignal([...args, '--checkpoint-dir', checkpointDir], env, 'SIGTERM', () => uploadsOf(key)[0]?.parts.length === 1, 'one part on the server');
  server.faults.clear();
  t.equal(killed.code, 130, killed.stderr);
  t.match(killed.stderr, /To resume, run:/);
  t.equal((await readdir(checkpointDir)).filter((n) => n.endsWith('.checkpoint.json')).length, 1, 'the checkpoint is kept');
  t.equal(uploadsOf(key).length, 1, 'the upload is kept');
});

t.test('kill -9 mid-upload: nothing to clean up by hand; the same command takes over the dead lock and resumes', async (t) => {
  const { file, key, args } = await scenario('sigkill', 5);
  const checkpointDir = join(work, 'cp-sigkill');
  server.faults.add({ api: 'UploadPart', key, partNumber: 4, action: { type: 'stall', ms: 3000 } });
  const killed = await runAndSignal([...args, '--checkpoint-dir', checkpointDir], env, 'SIGKILL', () => uploadsOf(key)[0]?.parts.length === 3, 'three parts on the server');
  server.faults.clear();
  t.equal(killed.signal, 'SIGKILL', 'killed, no chance to clean up');
  t.ok((await readdir(checkpointDir)).some((n) => n.endsWith('.lock')), 'its lock is left behind');
  const [upload] = uploadsOf(key);
  t.same(upload?.parts, [1, 2, 3]);

  const resumed = await runCli([...args, '--checkpoint-dir', checkpointDir], { env });
  t.equal(resumed.code, 0, resumed.stderr);
  const json = JSON.parse(resumed.stdout);
  t.equal(json.uploadId, upload!.uploadId, 'the same multipart upload');
  // Part 3 may have finished after the last coalesced checkpoint write: it is then verified by its ETag, not re-sent.
  t.equal(json.partsReused, 3);
  for (const part of [1, 2, 3]) t.equal(partRequests(upload!.uploadId).get(part), 1, `part ${part} was sent once in all`);
  t.same(await server.readObject(BUCKET, key), await readFile(file));
  t.same(await readdir(checkpointDir), [], 'checkpoint and lock gone once done');
});
