// The resumable upload engine against the real mock server over loopback: multipart and single
// PUT, integrity, progress, bad input, cancel / pause, concurrent uploads, auth failures, a
// corrupted part, a file that changes during the upload, and the upload callback.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc64Hex, crcHexToDecimal } from '../lib/hash/crc64.js';
import { OssCancelledError, OssChecksumError, OssInvalidArgumentError, OssServiceError } from '../lib/errors.js';
import { resumableUpload, type ResumableUploadOptions } from '../lib/upload/index.js';
import { BUCKET, CREDENTIALS, PART, uploadFixture, waitFor } from './helpers/upload-fixtures.js';

// Long enough that anything waiting for a stalled request would be noticed.
const STALL_MS = 4000;
/**
 * For "stops at once": parts stalled this long could only finish by running it out, so a cancel
 * that settles well within it (a generous bound, not a timing) cannot have waited for them.
 */
const LONG_STALL_MS = 60_000;

t.test('engine', async (t) => {
  const fx = await uploadFixture(t);
  const { server } = fx;
  const client = fx.client();
  const { checkpointDir } = fx;
  const crcOf = async (data: Buffer) => crcHexToDecimal(await crc64Hex(data));
  const checkpointFiles = () => (existsSync(checkpointDir) ? readdirSync(checkpointDir) : []);

  t.test('a multipart upload: byte-identical object, verified CRC-64, checkpoint and lock removed', async (t) => {
    const size = 7 * PART + 4321;
    const { path, data } = fx.file('multi.bin', size);
    const progress: Array<[number, number]> = [];
    const result = await resumableUpload(client, { file: path, key: 'dir/multi.bin', partSize: PART, parallel: 3, checkpointDir, onProgress: (s, total) => progress.push([s, total]) });
    t.ok((await server.readObject(BUCKET, 'dir/multi.bin')).equals(data), 'object is byte-identical');
    t.match(result, { bucket: BUCKET, key: 'dir/multi.bin', size, partsReused: 0, bytesSent: size });
    t.equal(result.crc64, await crcOf(data), 'CRC-64 of the whole file');
    t.match(result.etag, /-8"$/, 'an 8-part multipart ETag');
    t.equal(server.stats.requests['UploadPart'], 8);
    t.equal(server.stats.requests['PutObject'] ?? 0, 0);
    t.same(checkpointFiles(), [], 'checkpoint and lock are deleted after success');
    t.same(server.listUploads(BUCKET), [], 'no upload left behind');
    const sent = progress.map(([s]) => s);
    t.equal(sent[0], 0, 'progress starts at 0');
    t.equal(sent.at(-1), size, 'progress ends exactly at the total');
    t.ok(sent.every((value, i) => i === 0 || value > sent[i - 1]), 'progress only goes forward');
    t.ok(progress.every(([, total]) => total === size));
  });

  t.test('a file that fits in one part is one PutObject with Content-MD5, unless multipart is forced', async (t) => {
    const { path, data } = fx.file('small.bin', PART);
    const single = await resumableUpload(client, { file: path, key: 'small.bin', partSize: PART, headers: { 'Content-Type': 'text/x-test' }, meta: { owner: 'engine' } });
    t.equal(single.uploadId, undefined);
    t.equal(single.crc64, await crcOf(data));
    t.equal(server.stats.requests['PutObject'], 1);
    t.equal(server.stats.requests['InitiateMultipartUpload'] ?? 0, 0);
    const head = await client.headObject({ key: 'small.bin' });
    t.equal(head.contentType, 'text/x-test');
    t.same(head.meta, { owner: 'engine' });

    const forced = await resumableUpload(client, { file: path, key: 'small-forced.bin', partSize: PART, forceMultipart: true, meta: { owner: 'engine' } });
    t.type(forced.uploadId, 'string');
    t.equal(server.stats.requests['InitiateMultipartUpload'], 1);
    t.ok((await server.readObject(BUCKET, 'small-forced.bin')).equals(data));
    t.same((await client.headObject({ key: 'small-forced.bin' })).meta, { owner: 'engine' }, 'metadata given at initiation');
  });

  t.test('many parts in flight: no listener-leak warning, every part sent once', async (t) => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    t.teardown(() => process.off('warning', onWarning));
    const { path, data } = fx.file('wide.bin', 40 * PART);
    await resumableUpload(client, { file: path, key: 'wide.bin', partSize: PART, parallel: 32 });
    t.same(warnings, []);
    t.equal(server.stats.requests['UploadPart'], 40);
    t.ok((await server.readObject(BUCKET, 'wide.bin')).equals(data));
  });

  t.test('empty files, as one PUT and as one empty part', async (t) => {
    const { path } = fx.file('empty.bin', 0);
    for (const forceMultipart of [false, true]) {
      const progress: number[] = [];
      const result = await resumableUpload(client, { file: path, key: `empty-${forceMultipart}`, forceMultipart, checkpointDir, onProgress: (s) => progress.push(s) });
      t.equal(result.size, 0);
      t.equal(result.crc64, '0');
      t.equal((await server.readObject(BUCKET, `empty-${forceMultipart}`)).length, 0);
      t.same(progress, [0], 'progress reports 0 of 0');
    }
    t.same(checkpointFiles(), []);
  });

  t.test('bad input is a typed error before any request', async (t) => {
    const { path } = fx.file('valid.bin', 1000);
    const dirPath = join(fx.dir, 'a-directory');
    mkdirSync(dirPath, { recursive: true });
    const cases: Array<[string, Partial<ResumableUploadOptions>, string]> = [
      ['missing file', { file: join(fx.dir, 'nope.bin') }, 'file'],
      ['a directory', { file: dirPath }, 'file'],
      ['part size below 100 KB', { partSize: PART - 1 }, 'partSize'],
      ['part size above 5 GiB', { partSize: 5 * 1024 ** 3 + 1 }, 'partSize'],
      ['fractional part size', { partSize: PART + 0.5 }, 'partSize'],
      ['parallel 0', { parallel: 0 }, 'parallel'],
      ['invalid bucket', { bucket: 'Bad_Bucket' }, 'bucket'],
      ['empty key', { key: '' }, 'key'],
      ['key too long', { key: 'k'.repeat(1024) }, 'key'],
      ['key starting with /', { key: '/abs' }, 'key'],
      ['bad header', { headers: { 'bad header': 'x' } }, 'header'],
    ];
    if (process.getuid?.() !== 0) {
      const locked = fx.file('unreadable.bin', 10).path;
      chmodSync(locked, 0o000);
      cases.push(['unreadable file', { file: locked }, 'file']);
    }
    for (const [what, options, argument] of cases) {
      const err = await resumableUpload(client, { file: path, key: 'bad-input', checkpointDir, ...options }).then(
        () => undefined,
        (e: unknown) => e,
      );
      t.type(err, OssInvalidArgumentError, what);
      t.equal((err as OssInvalidArgumentError)?.argument, argument, `${what}: names the argument`);
    }
    t.same(server.stats.requests, {}, 'not a single request reached the server');
    t.same(server.listUploads(BUCKET), []);
  });

  t.test('cancel() stops the upload at once, aborts it and deletes the checkpoint', async (t) => {
    const { path } = fx.file('cancel.bin', 6 * PART);
    server.faults.add({ api: 'UploadPart', key: 'cancel.bin', skip: 2, times: Infinity, action: { type: 'stall', ms: LONG_STALL_MS } });
    const handle = resumableUpload(client, { file: path, key: 'cancel.bin', partSize: PART, parallel: 2, checkpointDir });
    await waitFor(() => (server.stats.requests['UploadPart'] ?? 0) >= 4, 'both workers on a stalled part');
    t.equal(server.listUploads(BUCKET).length, 1);
    const cancelledAt = performance.now();
    await handle.cancel();
    const err = await handle.done.catch((e) => e);
    t.ok(performance.now() - cancelledAt < LONG_STALL_MS / 6, 'settled without waiting for the stalled parts');
    t.type(err, OssCancelledError);
    t.match(err.message, /cancelled.*aborted/);
    t.same(server.listUploads(BUCKET), [], 'the multipart upload was aborted');
    t.same(checkpointFiles(), [], 'the checkpoint was deleted');
  });

  t.test('pause() and cancel without delete keep the upload and checkpoint; the next call resumes', async (t) => {
    const { path, data } = fx.file('pause.bin', 6 * PART);
    for (const how of ['pause', 'signal'] as const) {
      server.faults.clear();
      server.faults.add({ api: 'UploadPart', key: 'pause.bin', skip: 2, times: Infinity, action: { type: 'stall', ms: STALL_MS } });
      const controller = new AbortController();
      const options = { file: path, key: 'pause.bin', partSize: PART, parallel: 1, checkpointDir };
      const handle = resumableUpload(client, { ...options, signal: controller.signal, deleteUploadOnCancel: false });
      await waitFor(() => server.faults.pending() === 1 && (server.stats.requests['UploadPart'] ?? 0) >= 3, 'a stalled part');
      if (how === 'pause') await handle.pause();
      else controller.abort();
      const err = await handle.catch((e: unknown) => e);
      t.type(err, OssCancelledError, how);
      t.match((err as Error).message, /kept: run the same upload again to resume/);
      t.equal(server.listUploads(BUCKET).length, 1, 'upload kept');
      t.equal(checkpointFiles().filter((n) => n.endsWith('.checkpoint.json')).length, 1, 'checkpoint kept');
      t.equal(checkpointFiles().filter((n) => n.endsWith('.lock')).length, 0, 'lock released');
      server.faults.clear();
      server.stats.reset();
      const progress: number[] = [];
      const result = await resumableUpload(client, { ...options, onProgress: (s) => progress.push(s) });
      t.equal(result.partsReused, 2, 'the two finished parts are reused');
      t.equal(result.bytesSent, 4 * PART);
      t.equal(server.stats.requests['UploadPart'], 4);
      t.equal(progress[0], 2 * PART, 'progress starts from the bytes already on the server');
      t.ok((await server.readObject(BUCKET, 'pause.bin')).equals(data));
      server.stats.reset();
    }
  });

  t.test('two concurrent uploads: cancelling one leaves the other running', async (t) => {
    const a = fx.file('concurrent-a.bin', 5 * PART, 1);
    const b = fx.file('concurrent-b.bin', 5 * PART, 2);
    server.faults.add({ api: 'UploadPart', key: 'concurrent-a.bin', skip: 1, times: Infinity, action: { type: 'stall', ms: LONG_STALL_MS } });
    server.faults.add({ api: 'UploadPart', key: 'concurrent-b.bin', skip: 1, times: 1, action: { type: 'stall', ms: 300 } });
    const first = resumableUpload(client, { file: a.path, key: 'concurrent-a.bin', partSize: PART, checkpointDir });
    const second = resumableUpload(client, { file: b.path, key: 'concurrent-b.bin', partSize: PART, checkpointDir });
    await waitFor(() => (server.stats.requests['UploadPart'] ?? 0) >= 4, 'both uploads sending');
    const cancelledAt = performance.now();
    await first.cancel();
    t.type(await first.done.catch((e) => e), OssCancelledError);
    t.ok(performance.now() - cancelledAt < LONG_STALL_MS / 6, 'the cancelled one settled without waiting for its stalled parts');
    const result = await second;
    t.equal(result.size, 5 * PART);
    t.ok((await server.readObject(BUCKET, 'concurrent-b.bin')).equals(b.data), 'the other upload completed intact');
    t.same(server.listUploads(BUCKET), [], 'the cancelled one was aborted');
  });

  t.test('an auth error stops every part in flight at once; the checkpoint is kept', async (t) => {
    const { path } = fx.file('auth.bin', 6 * PART);
    // Three parts hang on the server; the fourth is refused.
    server.faults.add({ api: 'UploadPart', key: 'auth.bin', times: 3, action: { type: 'stall', ms: STALL_MS } });
    server.faults.add({ api: 'UploadPart', key: 'auth.bin', action: { type: 'error', status: 403, code: 'AccessDenied' } });
    const handle = resumableUpload(client, { file: path, key: 'auth.bin', partSize: PART, parallel: 4, checkpointDir });
    const outcome = await handle.done.catch((e: unknown) => e);
    const uploads = server.listUploads(BUCKET);
    t.equal(uploads.length, 1, 'the upload is kept for a resume');
    t.same(uploads[0]?.parts, [], 'failed while the other three parts were still stalled: they were not waited for');
    t.type(outcome, OssServiceError);
    t.equal((outcome as OssServiceError).code, 'AccessDenied');
    t.match((outcome as Error).message, /checkpoint .* was kept: run the same upload again to resume/);
    t.equal(server.stats.requests['UploadPart'], 4, 'no part was started after the failure');
    t.equal(checkpointFiles().filter((n) => n.endsWith('.checkpoint.json')).length, 1);
    server.faults.clear();
    t.equal((await resumableUpload(client, { file: path, key: 'auth.bin', partSize: PART, checkpointDir })).size, 6 * PART, 'and it resumes');
  });

  t.test('wrong credentials fail before anything is uploaded', async (t) => {
    const { path } = fx.file('badkey.bin', 3 * PART);
    const bad = fx.client({ credentials: { ...CREDENTIALS, accessKeySecret: 'wrong-secret-value' } });
    const err = await resumableUpload(bad, { file: path, key: 'badkey.bin', partSize: PART, checkpointDir }).catch((e) => e);
    t.type(err, OssServiceError);
    t.equal(err.code, 'SignatureDoesNotMatch');
    t.notMatch(err.message, /wrong-secret-value/, 'the secret is not in the message');
    t.same(server.listUploads(BUCKET), []);
  });

  t.test('a part the server corrupted is an OssChecksumError; the next run re-sends it', async (t) => {
    const { path, data } = fx.file('corrupt.bin', 4 * PART);
    server.faults.add({ api: 'UploadPart', key: 'corrupt.bin', partNumber: 2, action: { type: 'corrupt' } });
    const err = await resumableUpload(client, { file: path, key: 'corrupt.bin', partSize: PART, parallel: 1, checkpointDir }).catch((e) => e);
    t.type(err, OssChecksumError);
    t.match(err.message, /part 2 ETag/);
    t.equal(server.stats.requests['CompleteMultipartUpload'] ?? 0, 0, 'never completed with a bad part');
    server.stats.reset();
    const result = await resumableUpload(client, { file: path, key: 'corrupt.bin', partSize: PART, parallel: 1, checkpointDir });
    t.equal(result.partsReused, 1, 'part 1 kept; the corrupted part 2 is not');
    t.equal(server.stats.requests['UploadPart'], 3);
    t.ok((await server.readObject(BUCKET, 'corrupt.bin')).equals(data));

    server.faults.add({ api: 'PutObject', key: 'corrupt-single.bin', action: { type: 'corrupt' } });
    const single = await resumableUpload(client, { file: path, key: 'corrupt-single.bin' }).catch((e) => e);
    t.type(single, OssChecksumError, 'a corrupted single PUT too');
  });

  t.test('a file that changes during the upload: typed error, upload aborted, no object', async (t) => {
    const { path } = fx.file('changing.bin', 5 * PART);
    let appended = false;
    const err = await resumableUpload(client, {
      file: path,
      key: 'changing.bin',
      partSize: PART,
      parallel: 1,
      checkpointDir,
      onProgress: (sent) => {
        if (sent >= PART && !appended) {
          appended = true;
          appendFileSync(path, 'more');
        }
      },
    }).catch((e) => e);
    t.type(err, OssInvalidArgumentError);
    t.match(err.message, /changed during the upload/);
    t.same(server.listUploads(BUCKET), [], 'the upload was aborted');
    t.same(checkpointFiles(), [], 'the checkpoint was deleted');
    await t.rejects(server.readObject(BUCKET, 'changing.bin'), 'no object was created');
  });

  t.test('the upload callback: its answer is passed through', async (t) => {
    const callbackServer = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ received: body }));
      });
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => callbackServer.close(() => resolve())));
    const url = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/cb`;
    const { path } = fx.file('callback.bin', 3 * PART);
    const result = await resumableUpload(client, { file: path, key: 'callback.bin', partSize: PART, checkpointDir, callback: { url, body: 'object=${object}&size=${size}' } });
    t.same(JSON.parse(result.callbackBody ?? '{}'), { received: `object=callback.bin&size=${3 * PART}` });
    t.equal(result.callbackError, undefined);
  });

  t.test('an existing object is replaced, and x-oss-forbid-overwrite is honoured', async (t) => {
    const { path, data } = fx.file('overwrite.bin', 3 * PART, 77);
    writeFileSync(join(fx.dir, 'unused'), '');
    await resumableUpload(client, { file: path, key: 'overwrite.bin', partSize: PART });
    const err = await resumableUpload(client, { file: path, key: 'overwrite.bin', partSize: PART, checkpointDir, headers: { 'x-oss-forbid-overwrite': 'true' } }).catch((e) => e);
    t.type(err, OssServiceError);
    t.equal(err.code, 'FileAlreadyExists');
    t.ok((await server.readObject(BUCKET, 'overwrite.bin')).equals(data));
  });
});
