// A child process running an upload is killed with SIGKILL at seeded points (after k parts,
// inside a checkpoint write, while Complete is in flight, after Complete), then the upload is
// resumed in this process: the object must be byte-identical and the bytes sent again at most
// the parts that were in flight. Also: two processes contending for one checkpoint's lock.
// The child runs the BUILT library: `npm test` builds dist/ first (else: npx tsc -p tsconfig.json).
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OssUploadLockedError, resumableUpload } from '../lib/upload/index.js';
import { BUCKET, seededRandom, uploadFixture, waitFor } from './helpers/upload-fixtures.js';

const CHILD = fileURLToPath(new URL('./helpers/upload-child.mjs', import.meta.url));
const PART_SIZE = 256 * 1024;
const PARALLEL = 4;
const FILE_SIZE = 6 * 1024 * 1024 + 12_345; // 25 parts

interface Child {
  process: ChildProcess;
  /** What it printed (progress lines, then "done ..." or "error ..."), for diagnostics. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

t.test('crash and resume', async (t) => {
  // Throttled so that an upload takes long enough to be killed part-way.
  const fx = await uploadFixture(t, { bandwidthBytesPerSec: 16 * 1024 * 1024 });
  const { server } = fx;
  const client = fx.client();
  t.beforeEach(() => {
    server.faults.clear();
    server.stats.reset();
  });

  function startChild(name: string, file: string, hook = ''): Child {
    const child = spawn(process.execPath, [CHILD], {
      env: {
        ...process.env,
        OSS_TEST_ENDPOINT: server.url,
        OSS_TEST_FILE: file,
        OSS_TEST_KEY: name,
        OSS_TEST_CHECKPOINT_DIR: join(fx.dir, 'checkpoints', name),
        OSS_TEST_PART_SIZE: String(PART_SIZE),
        OSS_TEST_PARALLEL: String(PARALLEL),
        OSS_RESUMABLE_TEST_HOOK: hook,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    t.teardown(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    return { process: child, output: () => text, exited };
  }

  /**
   * Resumes `name` in this process and checks the object, that every part already on the server
   * is kept, and that the bytes sent more than once (both runs, counted by the server since the
   * child started) are at most the parts that were in flight when it died. Counting waste over
   * both runs is immune to a dead process's buffered bytes still arriving after it died.
   */
  async function resumeAndCheck(t: Test, name: string, file: { path: string; data: Buffer }, what: string) {
    const partsOnServer = server.listUploads(BUCKET).find((u) => u.key === name)?.parts.length ?? 0;
    const result = await resumableUpload(client, { file: file.path, key: name, checkpointDir: join(fx.dir, 'checkpoints', name), partSize: PART_SIZE, parallel: PARALLEL });
    t.ok((await server.readObject(BUCKET, name)).equals(file.data), `${what}: object byte-identical`);
    t.ok(result.partsReused >= partsOnServer, `${what}: the ${partsOnServer} parts on the server were kept (${result.partsReused} reused)`);
    const received = [...server.stats.partBytes.values()].reduce((sum, bytes) => sum + bytes, 0);
    const sentTwice = received - file.data.length;
    t.ok(sentTwice <= PARALLEL * PART_SIZE, `${what}: ${sentTwice} bytes sent twice <= ${PARALLEL} parts in flight`);
    t.same(readdirSync(join(fx.dir, 'checkpoints', name)), [], `${what}: checkpoint, lock and temp files all gone`);
    return result;
  }

  t.test('killed after k parts (seeded)', async (t) => {
    for (let seed = 1; seed <= 4; seed++) {
      const random = seededRandom(seed * 7919);
      const k = 1 + Math.floor(random() * 20);
      const name = `after-parts-${seed}.bin`;
      const file = fx.file(name, FILE_SIZE, seed);
      server.stats.reset();
      const child = startChild(name, file.path);
      const partsOnServer = () => server.listUploads(BUCKET).find((u) => u.key === name)?.parts.length ?? 0;
      await waitFor(() => partsOnServer() >= k || child.process.exitCode !== null, `${k} parts`);
      child.process.kill('SIGKILL');
      const exit = await child.exited;
      const what = `seed ${seed}, killed after ${k} parts`;
      t.equal(exit.signal, 'SIGKILL', `${what}: the child was killed mid-upload`, { output: child.output() });
      await resumeAndCheck(t, name, file, what);
    }
    t.same(server.listUploads(BUCKET), []);
  });

  t.test('killed inside a checkpoint write (seeded)', async (t) => {
    const hooks = ['kill-before-rename', 'kill-after-open'];
    for (let seed = 1; seed <= 4; seed++) {
      const random = seededRandom(seed * 104729);
      // Writes coalesce (at most one per 250 ms), and the throttled upload lasts about 0.4 s at
      // best: the first write, one coalesced write and the one before Complete are certain, a
      // fourth is not. Stay at the second or third.
      const n = 2 + Math.floor(random() * 2);
      const hook = `${hooks[seed % 2]}:${n}`;
      const name = `in-write-${seed}.bin`;
      const file = fx.file(name, FILE_SIZE, 100 + seed);
      server.stats.reset();
      const child = startChild(name, file.path, hook);
      const exit = await child.exited;
      t.equal(exit.signal, 'SIGKILL', `${hook}: died in the write`, { output: child.output() });
      await resumeAndCheck(t, name, file, hook);
    }
    t.same(server.listUploads(BUCKET), []);
  });

  t.test('killed inside the very first checkpoint write: at worst an empty upload is left', async (t) => {
    const name = 'first-write.bin';
    const file = fx.file(name, FILE_SIZE, 7);
    server.stats.reset();
    const child = startChild(name, file.path, 'kill-before-rename:1');
    t.equal((await child.exited).signal, 'SIGKILL');
    const orphans = server.listUploads(BUCKET);
    t.equal(orphans.length, 1);
    t.same(orphans[0]?.parts, [], 'no part was sent before the upload id was on disk');
    await resumeAndCheck(t, name, file, 'first write');
    await client.abortMultipartUpload({ key: name, uploadId: orphans[0]!.uploadId });
  });

  t.test('killed while Complete is in flight, and after Complete', async (t) => {
    const before = 'before-complete.bin';
    const beforeFile = fx.file(before, FILE_SIZE, 11);
    server.faults.add({ api: 'CompleteMultipartUpload', key: before, action: { type: 'stall', ms: 800 } });
    const child = startChild(before, beforeFile.path);
    await waitFor(() => (server.stats.requests['CompleteMultipartUpload'] ?? 0) >= 1, 'the Complete request');
    child.process.kill('SIGKILL');
    t.equal((await child.exited).signal, 'SIGKILL');
    const first = await resumeAndCheck(t, before, beforeFile, 'during Complete');
    t.equal(first.bytesSent, 0, 'every part was already on the server');
    server.faults.clear();

    const after = 'after-complete.bin';
    const afterFile = fx.file(after, FILE_SIZE, 12);
    server.stats.reset();
    const second = startChild(after, afterFile.path, 'kill-before-delete');
    t.equal((await second.exited).signal, 'SIGKILL');
    t.ok(existsSync(join(fx.dir, 'checkpoints', after)), 'the checkpoint outlived the upload');
    const partUploads = server.stats.requests['UploadPart'];
    const result = await resumeAndCheck(t, after, afterFile, 'after Complete');
    t.match(result, { bytesSent: 0, partsReused: 25 });
    t.equal(server.stats.requests['UploadPart'], partUploads, 'nothing sent again');
    t.same(server.listUploads(BUCKET), []);
  });

  t.test('two processes, one checkpoint: the second is refused until the first dies', async (t) => {
    const name = 'contended.bin';
    const file = fx.file(name, FILE_SIZE, 13);
    // Hold the child's upload on the server until it is killed.
    server.faults.add({ api: 'UploadPart', key: name, skip: 4, times: Infinity, action: { type: 'stall', ms: 1500 } });
    const child = startChild(name, file.path);
    await waitFor(() => (server.stats.requests['UploadPart'] ?? 0) >= 6, 'the child uploading');
    const options = { file: file.path, key: name, checkpointDir: join(fx.dir, 'checkpoints', name), partSize: PART_SIZE, parallel: PARALLEL };
    const err = await resumableUpload(client, options).catch((e: unknown) => e);
    t.type(err, OssUploadLockedError);
    t.equal((err as OssUploadLockedError).pid, child.process.pid, 'names the process holding the lock');
    child.process.kill('SIGKILL');
    await child.exited;
    server.faults.clear();
    const result = await resumeAndCheck(t, name, file, 'after the holder died');
    t.ok(result.partsReused >= 4, 'the stale lock was taken over and the upload resumed');
  });
});

