// The checkpoint directory as an attacker or an odd file system would have it: writable by other
// users (1777, 0777, a parent without the sticky bit), a checkpoint or lock that another user
// owns, a forged checkpoint naming someone else's upload, special files (FIFO, directory) where
// the file, the checkpoint or the lock should be, and a full disk. Each is refused before any
// request with a message naming the path, or (a forged part list) defeated by re-reading the parts.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OssInvalidArgumentError, OssServiceError } from '../lib/errors.js';
import { parseCheckpoint, sealCheckpoint, serializeCheckpoint } from '../lib/upload/checkpoint.js';
import { checkpointPaths, resumableUpload } from '../lib/upload/index.js';
import { BUCKET, PART, seededBytes, uploadFixture } from './helpers/upload-fixtures.js';

const isRoot = process.getuid?.() === 0;
const OTHER_UID = 4242;

/** Settles within `ms` or fails: a hang is the defect these tests look for. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

t.test('checkpoint directory trust', async (t) => {
  const fx = await uploadFixture(t);
  const { server } = fx;
  const client = fx.client();
  const requests = () => Object.values(server.stats.requests).reduce((sum, n) => sum + n, 0);
  const pathsFor = (dir: string, key: string, file: string) => checkpointPaths(dir, { endpoint: client.endpoint, bucket: BUCKET, key, filePath: file });

  for (const mode of [0o1777, 0o777, 0o770]) {
    t.test(`a checkpoint dir of mode ${mode.toString(8)} is refused before any request`, async (t) => {
      const dir = join(fx.dir, `shared-${mode.toString(8)}`);
      mkdirSync(dir);
      chmodSync(dir, mode);
      const { path } = fx.file(`shared-${mode.toString(8)}.bin`, 3 * PART);
      const err = await resumableUpload(client, { file: path, key: 'shared.bin', partSize: PART, checkpointDir: dir }).catch((e) => e);
      t.type(err, OssInvalidArgumentError);
      t.match(err.message, new RegExp(`${dir} is writable by other users \\(mode 0?${mode.toString(8)}\\).*chmod go-w.*private checkpoint directory`));
      t.equal(requests(), 0, 'nothing was sent');
    });
  }

  t.test('a private dir under a parent others can write without the sticky bit is refused', async (t) => {
    const parent = join(fx.dir, 'open-parent');
    mkdirSync(parent);
    chmodSync(parent, 0o777);
    const dir = join(parent, 'mine');
    const { path } = fx.file('open-parent.bin', 3 * PART);
    const err = await resumableUpload(client, { file: path, key: 'open-parent.bin', partSize: PART, checkpointDir: dir }).catch((e) => e);
    t.type(err, OssInvalidArgumentError);
    t.match(err.message, /open-parent, above the checkpoint directory .* without the sticky bit \(mode 0777\)/);
    t.equal(requests(), 0);
  });

  t.test('a new checkpoint dir is created 0700 and an existing private one is used', async (t) => {
    const dir = join(fx.dir, 'fresh', 'state');
    const { path, data } = fx.file('fresh.bin', 3 * PART);
    await resumableUpload(client, { file: path, key: 'fresh.bin', partSize: PART, checkpointDir: dir });
    t.equal(execFileSync('stat', ['-c', '%a', dir], { encoding: 'utf8' }).trim(), '700');
    t.ok((await server.readObject(BUCKET, 'fresh.bin')).equals(data));
  });

  t.test('a forged checkpoint naming another upload: its parts are re-read, so the victim\'s bytes are published', async (t) => {
    const dir = join(fx.dir, 'forged');
    const { path, data } = fx.file('victim.bin', 4 * PART, 21);
    // The attacker's upload to the same key, with parts 1-2 of their content.
    const { uploadId } = await client.initiateMultipartUpload({ key: 'victim.bin' });
    const evil = seededBytes(2 * PART, 666);
    const evilParts = [];
    for (const n of [1, 2]) {
      const bytes = evil.subarray((n - 1) * PART, n * PART);
      const part = await client.uploadPart({ key: 'victim.bin', uploadId, partNumber: n, body: bytes });
      evilParts.push({ partNumber: n, size: PART, md5: Buffer.from(part.etag.replace(/"/g, ''), 'hex').toString('base64'), crc64: part.crc64!, etag: part.etag });
    }
    // A checkpoint binding the victim's file identity and options, as its self-checksum allows anyone to seal.
    const honest = join(fx.dir, 'honest');
    server.faults.add({ api: 'UploadPart', key: 'victim.bin', partNumber: 1, times: Infinity, action: { type: 'error', status: 400, code: 'InvalidArgument' } });
    await t.rejects(resumableUpload(client, { file: path, key: 'victim.bin', partSize: PART, parallel: 1, checkpointDir: honest }).done);
    server.faults.clear();
    const template = parseCheckpoint(readFileSync(pathsFor(honest, 'victim.bin', path).checkpoint, 'utf8'));
    if (!template.ok) throw new Error(template.reason);
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(pathsFor(dir, 'victim.bin', path).checkpoint, serializeCheckpoint(sealCheckpoint({ ...template.checkpoint, uploadId, parts: evilParts })), { mode: 0o600 });
    server.stats.reset();
    const notes: string[] = [];
    const result = await resumableUpload(client, { file: path, key: 'victim.bin', partSize: PART, parallel: 1, checkpointDir: dir, onNote: (n) => notes.push(n) });
    t.ok((await server.readObject(BUCKET, 'victim.bin')).equals(data), 'the object is the victim\'s file, not the attacker\'s parts');
    t.equal(result.partsReused, 0);
    t.equal(server.stats.requests['UploadPart'], 4, 'every part sent from the file');
    t.match(notes.join('\n'), /Part 1 on the server differs from the file/);
  });

  t.test('a checkpoint or lock owned by another user is not trusted, and the message says so', { skip: !isRoot && 'needs root to chown' }, async (t) => {
    const dir = join(fx.dir, 'foreign-owner');
    mkdirSync(dir, { mode: 0o700 });
    const { path } = fx.file('foreign-owner.bin', 3 * PART);
    const { checkpoint, lock } = pathsFor(dir, 'foreign-owner.bin', path);
    writeFileSync(checkpoint, '{"version":1}', { mode: 0o600 });
    chownSync(checkpoint, OTHER_UID, OTHER_UID);
    const err = await resumableUpload(client, { file: path, key: 'foreign-owner.bin', partSize: PART, checkpointDir: dir }).catch((e) => e);
    t.type(err, OssInvalidArgumentError);
    t.match(err.message, /the checkpoint .* belongs to another user \(uid 4242\), so it is not trusted; remove it, or use a private checkpoint directory/);
    t.ok(existsSync(checkpoint), 'not deleted: it is not ours');
    rmSync(checkpoint);

    writeFileSync(lock, JSON.stringify({ pid: 1, host: 'elsewhere', token: 'x' }), { mode: 0o600 });
    chownSync(lock, OTHER_UID, OTHER_UID);
    const locked = await resumableUpload(client, { file: path, key: 'foreign-owner.bin', partSize: PART, checkpointDir: dir }).catch((e) => e);
    t.type(locked, OssInvalidArgumentError);
    t.match(locked.message, /the lock .* belongs to another user \(uid 4242\)/);
    t.notMatch(locked.message, /Another process/);
    t.equal(requests(), 0);
  });

  t.test('special files never hang it: a FIFO as the file, the checkpoint or the lock; a directory as either', async (t) => {
    const fifo = join(fx.dir, 'upload.fifo');
    execFileSync('mkfifo', [fifo]);
    const asFile = await within(resumableUpload(client, { file: fifo, key: 'fifo.bin' }).catch((e) => e), 5000, 'uploading a FIFO');
    t.type(asFile, OssInvalidArgumentError);
    t.match(asFile.message, /upload\.fifo is a FIFO \(named pipe\), not a regular file/);

    const dir = join(fx.dir, 'special');
    mkdirSync(dir, { mode: 0o700 });
    const { path } = fx.file('special.bin', 3 * PART);
    const { checkpoint, lock } = pathsFor(dir, 'special.bin', path);
    for (const [what, at] of [['checkpoint', checkpoint], ['lock', lock]] as const) {
      for (const kind of ['fifo', 'directory'] as const) {
        if (kind === 'fifo') execFileSync('mkfifo', [at]);
        else mkdirSync(at);
        const err = await within(resumableUpload(client, { file: path, key: 'special.bin', partSize: PART, checkpointDir: dir }).catch((e) => e), 5000, `a ${kind} as the ${what}`);
        t.type(err, OssInvalidArgumentError, `${kind} as the ${what}`);
        t.match(err.message, new RegExp(`the ${what} ${at.replace(/[.]/g, '\\.')} is a ${kind === 'fifo' ? 'FIFO \\(named pipe\\)' : 'directory'}, not a file this program wrote; remove it`));
        rmSync(at, { recursive: true });
      }
    }
    t.equal(requests(), 0);
  });

  t.test('a full disk: the message names the lock and what to do, and leaves no empty temp file', { skip: !isRoot && 'needs root to mount a tiny tmpfs' }, async (t) => {
    const mount = join(fx.dir, 'full');
    mkdirSync(mount, { mode: 0o700 });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k,mode=0700', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      t.comment('mount of a tmpfs is not allowed here: nothing to fill');
      t.pass('skipped: no tmpfs');
      return;
    }
    t.teardown(() => execFileSync('umount', [mount]));
    try {
      writeFileSync(join(mount, 'filler'), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC: the disk is now full, which is the point
    }
    const { path } = fx.file('full.bin', 3 * PART);
    const err = await resumableUpload(client, { file: path, key: 'full.bin', partSize: PART, checkpointDir: mount }).catch((e) => e);
    t.type(err, OssInvalidArgumentError);
    t.match(err.message, /cannot write the lock .*full\/[0-9a-f]+\.lock \(ENOSPC: no space left on device.*\); free some space there, or choose another checkpoint directory/);
    t.same(readdirSync(mount).filter((name) => name !== 'filler'), [], 'no temp file left');
    t.equal(requests(), 0);
  });

  t.test('a failed upload still reports the server\'s error when the directory is fine', async (t) => {
    const dir = join(fx.dir, 'fine');
    const { path } = fx.file('fine.bin', 3 * PART);
    server.faults.add({ api: 'InitiateMultipartUpload', key: 'fine.bin', action: { type: 'error', status: 403, code: 'AccessDenied' } });
    const err = await resumableUpload(client, { file: path, key: 'fine.bin', partSize: PART, checkpointDir: dir }).catch((e) => e);
    t.type(err, OssServiceError);
    t.equal(err.code, 'AccessDenied');
  });
});
