// Checkpoint file format (self-checksum, every kind of damage), crash-safe writes (mode 0600,
// no temp files left, coalesced updates), the lock (contention, stale takeover, debris) and progress.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  CheckpointWriter,
  parseCheckpoint,
  readCheckpoint,
  removeLeftoverTempFiles,
  sealCheckpoint,
  serializeCheckpoint,
  writeCheckpointAtomically,
  type CheckpointContent,
} from '../lib/upload/checkpoint.js';
import { checkpointPaths } from '../lib/upload/checkpoint-name.js';
import { acquireLock, LOCK_TEMP_MAX_AGE_MS, OssUploadLockedError } from '../lib/upload/lock.js';
import { ProgressTracker } from '../lib/upload/progress.js';
import { judgeCheckpoint, optionsDigest, reconcileParts, type CheckpointBinding } from '../lib/upload/resume.js';
import { planParts } from '../lib/upload/plan.js';

const dir = mkdtempSync(join(tmpdir(), 'oss-upload-checkpoint-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const MD5_A = 'QDzPicYI2cfOcelV9wbsWg=='; // 403CCF89C608D9C7CE71E955F706EC5A
const ETAG_A = '"403CCF89C608D9C7CE71E955F706EC5A"';
const binding: CheckpointBinding = {
  endpoint: 'http://127.0.0.1:9000',
  bucket: 'test-bucket',
  key: 'dir/object.bin',
  filePath: '/data/object.bin',
  file: { size: 250 * 1024, mtimeMs: 1732500000123.456, ino: 4242, ctimeMs: 1732500000456.789 },
  partSize: 102400,
  optionsDigest: optionsDigest({ 'content-type': 'text/plain' }, undefined),
};
const plan = planParts(binding.file.size, binding.partSize);

function content(overrides: Partial<CheckpointContent> = {}): CheckpointContent {
  return {
    ...binding,
    uploadId: 'UPLOAD-0001',
    createdAt: '2024-11-25T00:00:00.000Z',
    updatedAt: '2024-11-25T00:00:01.000Z',
    parts: [{ partNumber: 1, size: 102400, md5: MD5_A, crc64: '3633239582609614857', etag: ETAG_A }],
    ...overrides,
  };
}

t.test('a sealed checkpoint round-trips and binds its fields', async (t) => {
  const text = serializeCheckpoint(sealCheckpoint(content()));
  const parsed = parseCheckpoint(text);
  t.ok(parsed.ok);
  if (!parsed.ok) return;
  t.equal(parsed.checkpoint.version, 1);
  t.match(parsed.checkpoint.checksum, /^[0-9a-f]{64}$/);
  t.same(parsed.checkpoint.parts, content().parts);
  t.notMatch(text, /secret|signature|Authorization/i, 'no secrets or signatures');
  t.ok(judgeCheckpoint({ state: 'found', ...parsed }, binding, plan).trusted, 'trusted by the same upload');
});

t.test('every kind of damage is refused, with a reason and the salvageable upload id', async (t) => {
  const good = serializeCheckpoint(sealCheckpoint(content()));
  const truncated = parseCheckpoint(good.slice(0, Math.floor(good.length * 0.7)));
  t.notOk(truncated.ok);
  if (!truncated.ok) {
    t.match(truncated.reason, /not valid JSON/);
    t.equal(truncated.uploadId, 'UPLOAD-0001', 'upload id found in the truncated text');
  }
  // Flip one byte inside the part list (keeps the JSON valid): the checksum catches it.
  const at = good.indexOf('"size":102400') + 8;
  const flipped = good.slice(0, at) + String.fromCharCode(good.charCodeAt(at) ^ 1) + good.slice(at + 1);
  const flippedParsed = parseCheckpoint(flipped);
  t.notOk(flippedParsed.ok);
  if (!flippedParsed.ok) t.match(flippedParsed.reason, /checksum/);

  const value = JSON.parse(good);
  const otherVersion = parseCheckpoint(JSON.stringify({ ...value, version: 2 }));
  t.notOk(otherVersion.ok);
  if (!otherVersion.ok) {
    t.match(otherVersion.reason, /version 2/);
    t.equal(otherVersion.uploadId, 'UPLOAD-0001');
  }
  const edited = parseCheckpoint(JSON.stringify({ ...value, partSize: 204800 }));
  t.notOk(edited.ok, 'an edit without a new checksum is refused');
  t.notOk(parseCheckpoint('[]').ok);
  t.notOk(parseCheckpoint('').ok);
  const badPart = parseCheckpoint(serializeCheckpoint(sealCheckpoint(content({ parts: [{ partNumber: 0, size: 1, md5: MD5_A, crc64: '1', etag: ETAG_A }] }))));
  t.notOk(badPart.ok, 'a well-sealed but malformed part list is refused');
});

t.test('a checkpoint of another target, file, part size or options is not trusted', async (t) => {
  const sealed = sealCheckpoint(content());
  const judge = (changes: Partial<CheckpointBinding>) => {
    const verdict = judgeCheckpoint({ state: 'found', ok: true, checkpoint: sealed }, { ...binding, ...changes }, plan);
    return verdict.trusted ? 'trusted' : verdict.reason;
  };
  t.match(judge({ key: 'other-key' }), /another key/);
  t.match(judge({ bucket: 'other-bucket' }), /another bucket/);
  t.match(judge({ endpoint: 'http://127.0.0.1:9001' }), /another endpoint/);
  t.match(judge({ filePath: '/data/other.bin' }), /another file/);
  const verdictFor = (changes: Partial<CheckpointBinding>) => judgeCheckpoint({ state: 'found', ok: true, checkpoint: sealed }, { ...binding, ...changes }, plan);
  t.match(verdictFor({ key: 'other-key' }), { uploadId: sealed.uploadId, foreignOwner: { endpoint: sealed.endpoint, bucket: sealed.bucket, key: sealed.key, filePath: sealed.filePath } }, 'another key: its owner, whose upload it is');
  t.match(verdictFor({ endpoint: 'http://127.0.0.1:9001' }), { uploadId: undefined, reason: /left alone/ }, 'another endpoint: out of reach, nothing to abort');
  t.notOk('foreignOwner' in verdictFor({ partSize: 204800 }), 'this target\'s own stale checkpoint has no foreign owner');
  t.match(judge({ file: { ...binding.file, size: binding.file.size + 1 } }), /size changed/);
  // Same size, other identity: still resumable (every kept part is re-read), and the change is named.
  const changeOf = (file: Partial<CheckpointBinding['file']>) => {
    const verdict = verdictFor({ file: { ...binding.file, ...file } });
    return verdict.trusted ? verdict.fileChange : `distrusted: ${verdict.reason}`;
  };
  t.match(changeOf({ mtimeMs: binding.file.mtimeMs + 1 }), /^it was modified/);
  t.match(changeOf({ ino: 1 }), /^it was replaced/);
  t.match(changeOf({ ctimeMs: (binding.file.ctimeMs ?? 0) + 1 }), /^its inode status change time moved/);
  t.equal(changeOf({}), undefined, 'an unchanged identity is no change');
  t.match(judge({ partSize: 204800 }), /part size 102400/);
  t.match(judge({ optionsDigest: optionsDigest({ 'content-type': 'image/png' }, undefined) }), /headers, metadata or callback/);
  const misfit = sealCheckpoint(content({ parts: [{ partNumber: 3, size: 102400, md5: MD5_A, crc64: '1', etag: ETAG_A }] }));
  const verdict = judgeCheckpoint({ state: 'found', ok: true, checkpoint: misfit }, binding, plan);
  t.notOk(verdict.trusted, 'a part that does not fit the plan (part 3 is 51200 bytes)');
});

t.test('reconciling with the server keeps only parts with the recorded size and ETag', async (t) => {
  const recorded = [
    { partNumber: 1, size: 102400, md5: MD5_A, crc64: '11', etag: ETAG_A },
    { partNumber: 2, size: 102400, md5: MD5_A, crc64: '11', etag: ETAG_A },
  ];
  const server = [
    { partNumber: 1, size: 102400, etag: ETAG_A, lastModified: '', crc64: '11' },
    { partNumber: 2, size: 102400, etag: '"00000000000000000000000000000000"', lastModified: '', crc64: '11' },
    { partNumber: 3, size: 51200, etag: ETAG_A, lastModified: '', crc64: undefined },
  ];
  const result = reconcileParts(plan, recorded, server, true);
  t.same(result.kept.map((p) => p.partNumber), [1]);
  t.same(result.pending.map((p) => p.partNumber), [2, 3]);
  t.same([...result.onServer.keys()], [2, 3], 'every other server part of the planned size is a candidate for a local hash check');
  const crcMismatch = reconcileParts(plan, recorded, [{ ...server[0], crc64: '12' }], true);
  t.same(crcMismatch.kept, [], 'a CRC-64 that differs is not kept');
  const verifying = reconcileParts(plan, recorded, server, false);
  t.same(verifying.kept, [], 'without trusting the record nothing is kept unread');
  t.same([...verifying.onServer.keys()], [1, 2, 3], 'every server part waits for its bytes to be re-read');
  t.same(verifying.pending.map((p) => p.partNumber), [1, 2, 3]);
});

t.test('atomic writes: mode 0600, content replaced whole, no temp files left', async (t) => {
  const path = join(dir, 'atomic.checkpoint.json');
  await writeCheckpointAtomically(path, sealCheckpoint(content()));
  await writeCheckpointAtomically(path, sealCheckpoint(content({ uploadId: 'UPLOAD-0002' })));
  t.equal(statSync(path).mode & 0o777, 0o600);
  const loaded = await readCheckpoint(path);
  t.ok(loaded.state === 'found' && loaded.ok && loaded.checkpoint.uploadId === 'UPLOAD-0002');
  t.same(readdirSync(dir).filter((n) => n.startsWith('atomic')), ['atomic.checkpoint.json']);
  t.same(await readCheckpoint(join(dir, 'none.json')), { state: 'missing' });

  writeFileSync(`${path}.tmp-99999-deadbeef`, '{"half":');
  await removeLeftoverTempFiles(path);
  t.same(readdirSync(dir).filter((n) => n.startsWith('atomic')), ['atomic.checkpoint.json'], 'a crashed writer\'s temp file is removed');
});

t.test('the writer coalesces updates and always ends with the latest state', async (t) => {
  const path = join(dir, 'coalesced.checkpoint.json');
  const writer = new CheckpointWriter(path);
  let built = 0;
  for (let i = 1; i <= 50; i++) {
    writer.schedule(() => {
      built++;
      return sealCheckpoint(content({ uploadId: `UPLOAD-${i}` }));
    });
  }
  await writer.flush();
  t.ok(built < 50, `50 updates became ${built} writes`);
  const loaded = await readCheckpoint(path);
  t.ok(loaded.state === 'found' && loaded.ok && loaded.checkpoint.uploadId === 'UPLOAD-50');
});

t.test('writes at most one per interval; flush() writes what is pending at once', async (t) => {
  const path = join(dir, 'interval.checkpoint.json');
  const writer = new CheckpointWriter(path, 60_000);
  const uploadIdOnDisk = async () => {
    const loaded = await readCheckpoint(path);
    return loaded.state === 'found' && loaded.ok ? loaded.checkpoint.uploadId : undefined;
  };
  writer.schedule(() => sealCheckpoint(content({ uploadId: 'FIRST' })));
  writer.schedule(() => sealCheckpoint(content({ uploadId: 'SECOND' })));
  // The first update is written at once; the second waits out the interval (a minute here).
  for (let i = 0; i < 100 && (await uploadIdOnDisk()) !== 'FIRST'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  t.equal(await uploadIdOnDisk(), 'FIRST');
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(await uploadIdOnDisk(), 'FIRST', 'the second update is held back');
  await writer.flush();
  t.equal(await uploadIdOnDisk(), 'SECOND', 'flush() does not wait for the interval');
});

t.test('a failed write is reported once and makes flush reject', async (t) => {
  const writer = new CheckpointWriter(join(dir, 'no-such-dir', 'x.checkpoint.json'));
  const failures: unknown[] = [];
  writer.onFailure((error) => failures.push(error));
  writer.schedule(() => sealCheckpoint(content()));
  await t.rejects(writer.flush(), { name: 'OssInvalidArgumentError', message: /cannot write the checkpoint .*x\.checkpoint\.json \(ENOENT/ });
  writer.schedule(() => sealCheckpoint(content()));
  await t.rejects(writer.flush());
  t.equal(failures.length, 1);
});

t.test('checkpoint names differ per endpoint, bucket, key and file', async (t) => {
  const base = { endpoint: 'e', bucket: 'b', key: 'k', filePath: '/f' };
  const names = new Set(
    [base, { ...base, endpoint: 'e2' }, { ...base, bucket: 'b2' }, { ...base, key: 'k2' }, { ...base, filePath: '/f2' }, { ...base, key: 'k', filePath: '/f' }].map(
      (target) => checkpointPaths(dir, target).checkpoint,
    ),
  );
  t.equal(names.size, 5);
  t.match(basename(checkpointPaths(dir, base).checkpoint), /^[0-9a-f]{40}\.checkpoint\.json$/, 'the name is a hash, revealing nothing of the target');
});

t.test('lock: exclusive while held, released, stale lock of a dead pid taken over', async (t) => {
  const path = join(dir, 'a.lock');
  const held = await acquireLock(path);
  t.match(JSON.parse(readFileSync(path, 'utf8')), { pid: process.pid });
  await t.rejects(acquireLock(path), OssUploadLockedError, 'a second holder is refused');
  await held.release();
  t.throws(() => statSync(path), 'released lock is gone');

  // A live process on this host (our parent) holds it: refused, naming the pid.
  writeFileSync(path, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'x' }));
  const err = await acquireLock(path).catch((e) => e);
  t.type(err, OssUploadLockedError);
  t.equal(err.pid, process.ppid);

  // A process that has exited: its lock is stale and taken over.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  writeFileSync(path, JSON.stringify({ pid: dead, host: hostname(), token: 'x' }));
  const taken = await acquireLock(path);
  t.match(JSON.parse(readFileSync(path, 'utf8')), { pid: process.pid });
  // Releasing only deletes our own lock.
  writeFileSync(path, JSON.stringify({ pid: dead, host: hostname(), token: 'someone-else' }));
  await taken.release();
  t.ok(statSync(path).isFile(), 'a lock that is no longer ours is left alone');

  writeFileSync(path, 'garbage');
  const fromGarbage = await acquireLock(path);
  await fromGarbage.release();
  t.same(readdirSync(dir).filter((n) => n.startsWith('a.lock')), [], 'no stray lock files');
});

t.test('lock: temp files a killed process left next to the lock are removed when it is next taken', async (t) => {
  const path = join(dir, 'debris.lock');
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const owner = (pid: number, host = hostname()) => JSON.stringify({ pid, host, token: 'x' });
  const longAgo = (Date.now() - LOCK_TEMP_MAX_AGE_MS - 60_000) / 1000;
  const temp = (name: string, text: string, old = false) => {
    writeFileSync(join(dir, name), text);
    if (old) utimesSync(join(dir, name), longAgo, longAgo);
    return name;
  };
  // Killed between writing its lock and linking it into place, or while moving a stale lock aside:
  const removed = [
    temp(`debris.lock.new-${dead}-aaaa0001`, owner(dead)),
    temp(`debris.lock.stale-${dead}-aaaa0002`, owner(dead)),
    temp(`debris.lock.new-${dead}-aaaa0003`, '', true), // killed before writing a byte: only its age tells
    temp(`debris.lock.new-${process.ppid}-aaaa0004`, owner(process.ppid), true), // that old, the pid has been reused
  ];
  const kept = [
    temp(`debris.lock.new-${process.ppid}-bbbb0001`, owner(process.ppid)), // a live process, about to link it
    temp(`debris.lock.new-${dead}-bbbb0002`, '{"pid":'), // being written right now
    temp(`debris.lock.new-${dead}-bbbb0003`, owner(dead, 'another-host')), // its owner cannot be checked from here
    temp(`other.lock.new-${dead}-bbbb0004`, owner(dead)), // another lock's, left for that lock's next holder
  ];
  const lock = await acquireLock(path);
  const left = readdirSync(dir);
  for (const name of removed) t.notOk(left.includes(name), `removed: ${name}`);
  for (const name of kept) t.ok(left.includes(name), `kept: ${name}`);
  await lock.release();
  for (const name of kept) rmSync(join(dir, name));
});

t.test('progress: monotonic, clamped, retries withdrawn internally, ends at the total', async (t) => {
  const seen: Array<[number, number]> = [];
  const progress = new ProgressTracker(300, 100, (sent, total) => seen.push([sent, total]));
  progress.start();
  progress.sent(2, 100, 60);
  progress.sent(3, 100, 30);
  progress.reset(2); // part 2 is retried: internal 130, display stays at 190
  progress.sent(3, 100, 500); // clamped to the part's size
  progress.sent(2, 100, 50);
  progress.confirm(3, 100);
  progress.sent(2, 100, 100);
  progress.confirm(2, 100);
  progress.finish();
  progress.finish();
  const values = seen.map(([sent]) => sent);
  t.same(values, [100, 160, 190, 200, 250, 300], 'the exact sequence');
  t.ok(seen.every(([, total]) => total === 300));
  for (let i = 1; i < values.length; i++) t.ok(values[i] > values[i - 1], 'strictly increasing');

  const empty: number[] = [];
  const none = new ProgressTracker(0, 0, (sent) => empty.push(sent));
  none.start();
  none.finish();
  t.same(empty, [0], 'an empty file reports 0 of 0 once');

  const restarted: number[] = [];
  const again = new ProgressTracker(200, 0, (sent) => restarted.push(sent));
  again.confirm(1, 100);
  again.restart();
  again.confirm(1, 100);
  again.confirm(2, 100);
  again.finish();
  t.same(restarted, [100, 200], 'a restart never shows a lower value');
});
