// A resume publishes the file as it is now, whatever happened to it between runs: content
// replaced with size and mtime restored (`cp other f; touch -r orig f`), an in-place patch, the
// file deleted and written again, an upload completed by a dead run before the file changed.
// Every part the server already holds is re-read and its MD5 compared with the server's ETag
// before it is kept (resumeCheck 'content', the default); a part whose bytes changed is re-sent.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { OssServiceError } from '../lib/errors.js';
import { resumableUpload, type ResumableUploadOptions } from '../lib/upload/index.js';
import { BUCKET, PART, seededBytes, uploadFixture } from './helpers/upload-fixtures.js';

t.test('resume integrity', async (t) => {
  const fx = await uploadFixture(t);
  const { server, checkpointDir } = fx;
  const client = fx.client();

  /** An upload that fails at part 3 (parts 1 and 2 on the server), leaving its upload and checkpoint. */
  async function interrupted(key: string, path: string): Promise<void> {
    server.faults.add({ api: 'UploadPart', key, partNumber: 3, times: Infinity, action: { type: 'error', status: 500, code: 'InternalError' } });
    const err = await resumableUpload(client, { file: path, key, partSize: PART, parallel: 1, checkpointDir }).catch((e) => e);
    server.faults.clear();
    if (!(err instanceof OssServiceError)) throw new Error(`expected the first run to fail, got ${String(err)}`);
    const upload = server.listUploads(BUCKET).find((u) => u.key === key);
    if (upload?.parts.join() !== '1,2') throw new Error(`expected parts 1,2 on the server, got ${JSON.stringify(upload)}`);
  }

  async function resume(options: Partial<ResumableUploadOptions> & { file: string; key: string }) {
    const notes: string[] = [];
    server.stats.reset();
    const result = await resumableUpload(client, { partSize: PART, parallel: 2, checkpointDir, onNote: (n) => notes.push(n), ...options });
    return { result, notes: notes.join('\n'), partRequests: server.stats.requests['UploadPart'] ?? 0 };
  }

  /** Remembers the file's times in a reference file, for `touch -r` (nanosecond-exact, unlike utimes from JS numbers). */
  function rememberTimes(path: string): string {
    const reference = `${path}.times`;
    writeFileSync(reference, '');
    execFileSync('touch', ['-r', path, reference]);
    return reference;
  }
  /** Sets the file's atime and mtime back to the remembered ones: `touch -r reference path`. */
  function restoreTimes(path: string, reference: string): void {
    execFileSync('touch', ['-r', reference, path]);
  }

  t.test('content replaced in place with size and mtime restored: the new bytes are published, unchanged parts kept', async (t) => {
    const { path, data } = fx.file('replaced.bin', 6 * PART, 11);
    await interrupted('replaced.bin', path);
    const before = statSync(path);
    const times = rememberTimes(path);
    const changed = Buffer.from(data);
    seededBytes(PART, 99).copy(changed, PART); // part 2, already on the server, now differs
    writeFileSync(path, changed); // same inode: truncate and write
    restoreTimes(path, times);
    const after = statSync(path);
    t.equal(after.ino, before.ino, 'same inode');
    t.equal(after.mtimeMs, before.mtimeMs, 'same mtime');
    const { result, notes, partRequests } = await resume({ file: path, key: 'replaced.bin' });
    t.ok((await server.readObject(BUCKET, 'replaced.bin')).equals(changed), 'the object is the file as it is now');
    t.equal(result.partsReused, 1, 'part 1 is unchanged and kept');
    t.equal(partRequests, 5, 'part 2 (changed) and parts 3-6 are sent');
    t.match(notes, /part 2 .*differ/i, 'the note says which part changed');
  });

  t.test('a one-byte in-place patch with the mtime set back: the patched file is published', async (t) => {
    const { path, data } = fx.file('patched.bin', 5 * PART, 12);
    await interrupted('patched.bin', path);
    const times = rememberTimes(path);
    const fd = openSync(path, 'r+'); // dd conv=notrunc
    writeSync(fd, Buffer.from([data[100] ^ 0xff]), 0, 1, 100);
    closeSync(fd);
    restoreTimes(path, times);
    const patched = Buffer.from(data);
    patched[100] ^= 0xff;
    const { result } = await resume({ file: path, key: 'patched.bin' });
    t.ok((await server.readObject(BUCKET, 'patched.bin')).equals(patched));
    t.equal(result.partsReused, 1, 'only part 2 is kept');
  });

  t.test('the file deleted and written again: unchanged parts are still kept, changed ones re-sent', async (t) => {
    const { path, data } = fx.file('rewritten.bin', 4 * PART, 13);
    await interrupted('rewritten.bin', path);
    const times = rememberTimes(path);
    const changed = Buffer.from(data);
    changed[2 * PART - 1] ^= 1; // last byte of part 2
    unlinkSync(path);
    writeFileSync(path, changed);
    restoreTimes(path, times);
    const { result, partRequests } = await resume({ file: path, key: 'rewritten.bin' });
    t.ok((await server.readObject(BUCKET, 'rewritten.bin')).equals(changed));
    t.equal(result.partsReused, 1, 'part 1 is the same bytes, so it is kept');
    t.equal(partRequests, 3);
  });

  t.test('an upload completed by a dead run, then the file changed: the new bytes are uploaded, not "already completed"', async (t) => {
    const { path, data } = fx.file('completed-then-changed.bin', 3 * PART, 14);
    server.faults.add({ api: 'CompleteMultipartUpload', key: 'completed-then-changed.bin', times: Infinity, action: { type: 'error', status: 500, code: 'InternalError' } });
    await t.rejects(resumableUpload(client, { file: path, key: 'completed-then-changed.bin', partSize: PART, checkpointDir }).done);
    server.faults.clear();
    const [upload] = server.listUploads(BUCKET).filter((u) => u.key === 'completed-then-changed.bin');
    const parts = await client.listAllParts({ key: 'completed-then-changed.bin', uploadId: upload.uploadId });
    await client.completeMultipartUpload({ key: 'completed-then-changed.bin', uploadId: upload.uploadId, parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })) });
    const times = rememberTimes(path);
    const changed = Buffer.from(data);
    changed[5] ^= 0x40;
    writeFileSync(path, changed);
    restoreTimes(path, times);
    const { result, notes } = await resume({ file: path, key: 'completed-then-changed.bin' });
    t.notMatch(notes, /already been completed/);
    t.ok((await server.readObject(BUCKET, 'completed-then-changed.bin')).equals(changed));
    t.equal(result.size, changed.length);
  });

  t.test('an unchanged file after a completed-by-a-dead-run upload is still recognised, nothing re-sent', async (t) => {
    const { path } = fx.file('completed-same.bin', 3 * PART, 15);
    server.faults.add({ api: 'CompleteMultipartUpload', key: 'completed-same.bin', times: Infinity, action: { type: 'error', status: 500, code: 'InternalError' } });
    await t.rejects(resumableUpload(client, { file: path, key: 'completed-same.bin', partSize: PART, checkpointDir }).done);
    server.faults.clear();
    const [upload] = server.listUploads(BUCKET).filter((u) => u.key === 'completed-same.bin');
    const parts = await client.listAllParts({ key: 'completed-same.bin', uploadId: upload.uploadId });
    await client.completeMultipartUpload({ key: 'completed-same.bin', uploadId: upload.uploadId, parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })) });
    const { result, notes, partRequests } = await resume({ file: path, key: 'completed-same.bin' });
    t.match(notes, /already been completed/);
    t.equal(partRequests, 0);
    t.equal(result.partsReused, 3);
  });

  t.test("resumeCheck 'identity': an unchanged file keeps its parts unread; touch -r is caught by the ctime", async (t) => {
    const { path, data } = fx.file('identity.bin', 4 * PART, 16);
    await interrupted('identity.bin', path);
    const same = await resume({ file: path, key: 'identity.bin', resumeCheck: 'identity' });
    t.match(same.notes, /kept without re-reading/);
    t.equal(same.result.partsReused, 2);
    t.ok((await server.readObject(BUCKET, 'identity.bin')).equals(data));

    const other = fx.file('identity2.bin', 4 * PART, 17);
    await interrupted('identity2.bin', other.path);
    const times = rememberTimes(other.path);
    const changed = Buffer.from(other.data);
    changed[10] ^= 1;
    await new Promise((resolve) => setTimeout(resolve, 20)); // a ctime the clock can tell apart
    writeFileSync(other.path, changed);
    restoreTimes(other.path, times);
    const { result, notes } = await resume({ file: other.path, key: 'identity2.bin', resumeCheck: 'identity' });
    t.match(notes, /changed since the checkpoint was written .*status change/);
    t.ok((await server.readObject(BUCKET, 'identity2.bin')).equals(changed));
    t.equal(result.partsReused, 1);
  });

  t.test('an invalid resumeCheck is refused before any request', async (t) => {
    const { path } = fx.file('bad-check.bin', PART);
    await t.rejects(resumableUpload(client, { file: path, key: 'bad-check.bin', resumeCheck: 'trust' as never }).done, { name: 'OssInvalidArgumentError', message: /resumeCheck/ });
  });
});
