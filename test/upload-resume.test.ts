// Interrupt and resume against the mock server: seeded faults mid-part (drops, 5xx, stalls),
// damaged or foreign checkpoints, a file changed between runs, uploads the server forgot, an
// upload completed by a run that died before deleting its checkpoint, and unrecorded parts.
import t from 'tap';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OssClient } from '../lib/client.js';
import { OssServiceError, OssXmlError } from '../lib/errors.js';
import { crc64Hex, crcHexToDecimal } from '../lib/hash/crc64.js';
import { parseCheckpoint, sealCheckpoint, serializeCheckpoint } from '../lib/upload/checkpoint.js';
import { checkpointPaths, resumableUpload, type ResumableUploadOptions } from '../lib/upload/index.js';
import type { FaultRule } from '../lib/mock-server/index.js';
import { BUCKET, PART, partBytesByNumber, resentBytes, seededBytes, seededRandom, uploadFixture, waitFor } from './helpers/upload-fixtures.js';
import { rewritingProxy } from './helpers/rewriting-proxy.js';

t.test('resume', async (t) => {
  const fx = await uploadFixture(t);
  const { server } = fx;
  const client = fx.client();
  const { checkpointDir } = fx;
  const checkpointOf = (key: string, file: string) => checkpointPaths(checkpointDir, { endpoint: client.endpoint, bucket: BUCKET, key, filePath: file }).checkpoint;
  const uploadIds = () => server.listUploads(BUCKET).map((u) => u.uploadId);

  /** Runs an upload that fails at part 3 (parts 1 and 2 done), leaving its upload and checkpoint. */
  async function interrupted(key: string, path: string, parts = 6): Promise<string> {
    server.faults.add({ api: 'UploadPart', key, partNumber: 3, times: Infinity, action: { type: 'error', status: 500, code: 'InternalError' } });
    const err = await resumableUpload(client, { file: path, key, partSize: PART, parallel: 1, checkpointDir }).catch((e) => e);
    server.faults.clear();
    if (!(err instanceof OssServiceError)) throw new Error(`expected the first run to fail, got ${String(err)}`);
    const upload = server.listUploads(BUCKET).find((u) => u.key === key);
    if (!upload || upload.parts.join() !== '1,2') throw new Error(`expected parts 1,2 on the server, got ${JSON.stringify(upload)} of ${parts}`);
    return upload.uploadId;
  }

  async function resume(options: Partial<ResumableUploadOptions> & { file: string; key: string }) {
    const notes: string[] = [];
    const result = await resumableUpload(client, { partSize: PART, parallel: 2, checkpointDir, onNote: (n) => notes.push(n), ...options });
    return { result, notes: notes.join('\n') };
  }

  t.test('seeded faults mid-part: the resumed object is identical and only parts in flight are re-sent', async (t) => {
    // drop / error: the part fails on every attempt, so the run gives up; stall: the part hangs
    // on the server and the run is paused meanwhile (Ctrl-C on a stuck upload). Transient: fewer
    // hits than attempts, so the first run recovers by itself; a transient stall outlasts the
    // headers timeout of the client it runs with, so each hit is a failed attempt too.
    const kinds = ['drop', 'error', 'stall'] as const;
    const STALL_TIMEOUT_MS = 1000;
    const impatient = fx.client({ timeouts: { headersMs: STALL_TIMEOUT_MS } });
    for (let seed = 1; seed <= 12; seed++) {
      const random = seededRandom(seed);
      const partCount = 3 + Math.floor(random() * 6);
      const size = (partCount - 1) * PART + 1 + Math.floor(random() * PART);
      const parallel = 1 + Math.floor(random() * 4);
      const kind = kinds[seed % kinds.length];
      // Seeds 4-6 and 10-12: every kind twice each way.
      const transient = Math.floor((seed - 1) / kinds.length) % 2 === 1;
      const key = `faults/seed-${seed}.bin`;
      const { path, data } = fx.file(`seed-${seed}.bin`, size, seed);
      const action: FaultRule['action'] =
        kind === 'drop'
          ? { type: 'drop', afterBytes: Math.floor(random() * PART) }
          : kind === 'error'
            ? { type: 'error', status: random() < 0.5 ? 500 : 503, code: random() < 0.5 ? 'InternalError' : 'SlowDown' }
            : { type: 'stall', ms: transient ? 10 * STALL_TIMEOUT_MS : 1500 };
      const partNumber = 1 + Math.floor(random() * partCount);
      server.faults.add({ api: 'UploadPart', key, partNumber, times: transient ? 2 : Infinity, action });
      const what = `seed ${seed}: ${kind} on part ${partNumber}/${partCount}, parallel ${parallel}${transient ? ', transient' : ''}`;

      const options = { file: path, key, partSize: PART, parallel, checkpointDir };
      const handle = resumableUpload(kind === 'stall' && transient ? impatient : client, options);
      if (kind === 'stall' && !transient) {
        await waitFor(() => [...server.stats.partUploads.keys()].some((id) => id.endsWith(`:${partNumber}`)), `${what}: the stalled part`);
        await handle.pause();
      }
      const first = await handle.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      if (transient) {
        t.ok('result' in first, `${what}: retried within the run`);
        const attempts = [...server.stats.partUploads].filter(([id]) => id.endsWith(`:${partNumber}`)).reduce((sum, [, n]) => sum + n, 0);
        t.equal(attempts, 3, `${what}: two failed attempts, then the one that succeeded`);
      } else {
        t.ok('error' in first, `${what}: the run stops`);
        t.match(String((first as { error: Error }).error?.message), /run the same upload again to resume/, `${what}: the error says how to resume`);
        server.faults.clear();
        const before = partBytesByNumber(server);
        const finishedBefore = server.listUploads(BUCKET).find((u) => u.key === key)?.parts.length;
        const second = await resumableUpload(client, options);
        const resent = resentBytes(before, partBytesByNumber(server));
        t.ok(resent <= parallel * PART, `${what}: re-sent ${resent} bytes <= ${parallel} parts in flight`);
        // (A part whose request was cut by the pause may still have landed: it is reused too.)
        t.ok(second.partsReused >= (finishedBefore ?? 0), `${what}: every part finished before is reused`);
      }
      t.ok((await server.readObject(BUCKET, key)).equals(data), `${what}: object identical`);
      server.faults.clear();
      server.stats.reset();
    }
    t.same(server.listUploads(BUCKET), [], 'no upload left behind');
  });

  t.test('damaged or foreign checkpoints are not trusted: the reason is given and the old upload aborted', async (t) => {
    const damage: Array<[string, (text: string) => string, RegExp]> = [
      ['truncated', (text) => text.slice(0, Math.floor(text.length / 2)), /not valid JSON/],
      ['a flipped byte', (text) => text.replace('"partNumber":2', '"partNumber":3'), /checksum/],
      ['another version', (text) => JSON.stringify({ ...JSON.parse(text), version: 99 }), /format version 99/],
    ];
    for (const [what, corrupt, reason] of damage) {
      const key = `damaged/${what}.bin`;
      const { path, data } = fx.file(`damaged-${what}.bin`, 6 * PART);
      const oldUpload = await interrupted(key, path);
      const checkpoint = checkpointOf(key, path);
      writeFileSync(checkpoint, corrupt(readFileSync(checkpoint, 'utf8')));
      const { result, notes } = await resume({ file: path, key });
      t.match(notes, reason, `${what}: says why`);
      t.match(notes, `aborting its upload ${oldUpload}`, `${what}: aborts the old upload`);
      t.notOk(uploadIds().includes(oldUpload), `${what}: old upload gone from the server`);
      t.equal(result.partsReused, 0, `${what}: started afresh`);
      t.ok((await server.readObject(BUCKET, key)).equals(data), `${what}: object identical`);
    }
    t.same(server.listUploads(BUCKET), []);
  });

  t.test('another key\'s checkpoint: not trusted; that key\'s upload is aborted only if its own checkpoint no longer records it', async (t) => {
    const { path, data } = fx.file('foreign.bin', 6 * PART);
    const orphan = await interrupted('foreign/orphan.bin', path);
    // Moved, not copied: nothing else records the upload, so leaving it would orphan it.
    writeFileSync(checkpointOf('foreign/mine.bin', path), readFileSync(checkpointOf('foreign/orphan.bin', path)));
    rmSync(checkpointOf('foreign/orphan.bin', path));
    const moved = await resume({ file: path, key: 'foreign/mine.bin' });
    t.match(moved.notes, /another key \("foreign\/orphan.bin"\); aborting its upload/);
    t.notOk(uploadIds().includes(orphan), 'the orphaned upload of the other key was aborted');
    t.ok((await server.readObject(BUCKET, 'foreign/mine.bin')).equals(data));

    // Copied: the other key's own checkpoint still drives its upload.
    const otherUpload = await interrupted('foreign/other.bin', path);
    writeFileSync(checkpointOf('foreign/mine.bin', path), readFileSync(checkpointOf('foreign/other.bin', path)));
    const { result, notes } = await resume({ file: path, key: 'foreign/mine.bin' });
    t.match(notes, /another key \("foreign\/other.bin"\); leaving its upload .* to the checkpoint of foreign\/other.bin/);
    t.equal(result.partsReused, 0);
    t.ok((await server.readObject(BUCKET, 'foreign/mine.bin')).equals(data));
    t.ok(uploadIds().includes(otherUpload), 'the other key\'s upload was not aborted');
    const other = await resume({ file: path, key: 'foreign/other.bin' });
    t.equal(other.result.partsReused, 2, 'and it still resumes from its own checkpoint');
    t.same(server.listUploads(BUCKET), []);
  });

  t.test('a file changed between runs: old upload aborted, the new content uploaded', async (t) => {
    const { path } = fx.file('changed.bin', 6 * PART, 1);
    const oldUpload = await interrupted('changed.bin', path);
    const newData = seededBytes(6 * PART + 10, 2);
    writeFileSync(path, newData);
    const { result, notes } = await resume({ file: path, key: 'changed.bin' });
    t.match(notes, /file changed since it was written: its size changed/);
    t.notOk(uploadIds().includes(oldUpload));
    t.equal(result.partsReused, 0);
    t.ok((await server.readObject(BUCKET, 'changed.bin')).equals(newData));
  });

  t.test('different options (part size, headers) start afresh', async (t) => {
    const { path, data } = fx.file('options.bin', 6 * PART);
    const oldUpload = await interrupted('options.bin', path);
    const { notes } = await resume({ file: path, key: 'options.bin', meta: { changed: 'yes' } });
    t.match(notes, /headers, metadata or callback differ/);
    t.notOk(uploadIds().includes(oldUpload));
    t.ok((await server.readObject(BUCKET, 'options.bin')).equals(data));
    const again = await interrupted('options.bin', path);
    const grown = await resume({ file: path, key: 'options.bin', partSize: 2 * PART });
    t.match(grown.notes, /part size 102400, this run uses 204800/);
    t.notOk(uploadIds().includes(again));
  });

  t.test('an upload the server forgot starts afresh, at resume and mid-upload', async (t) => {
    const { path, data } = fx.file('forgot.bin', 6 * PART);
    await interrupted('forgot.bin', path);
    server.faults.add({ api: 'ListParts', key: 'forgot.bin', action: { type: 'forget' } });
    const atResume = await resume({ file: path, key: 'forgot.bin' });
    t.match(atResume.notes, /no longer has upload .* starting again/);
    t.equal(atResume.result.partsReused, 0);
    t.ok((await server.readObject(BUCKET, 'forgot.bin')).equals(data));

    server.stats.reset();
    server.faults.add({ api: 'UploadPart', key: 'forgot-mid.bin', skip: 3, action: { type: 'forget' } });
    const mid = await resume({ file: path, key: 'forgot-mid.bin' });
    t.match(mid.notes, /no longer has upload .* starting a new upload/);
    t.equal(server.stats.requests['InitiateMultipartUpload'], 2);
    t.ok((await server.readObject(BUCKET, 'forgot-mid.bin')).equals(data));
    t.same(server.listUploads(BUCKET), []);
  });

  t.test('completed by a run that died before deleting its checkpoint: recognised, nothing re-sent', async (t) => {
    const { path, data } = fx.file('completed.bin', 5 * PART);
    server.faults.add({ api: 'CompleteMultipartUpload', key: 'completed.bin', times: Infinity, action: { type: 'error', status: 500, code: 'InternalError' } });
    await t.rejects(resumableUpload(client, { file: path, key: 'completed.bin', partSize: PART, checkpointDir }).done);
    server.faults.clear();
    // What the dead run's Complete did on the server:
    const [upload] = server.listUploads(BUCKET);
    const parts = await client.listAllParts({ key: 'completed.bin', uploadId: upload.uploadId });
    await client.completeMultipartUpload({ key: 'completed.bin', uploadId: upload.uploadId, parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })) });
    server.stats.reset();
    const progress: number[] = [];
    const { result, notes } = await resume({ file: path, key: 'completed.bin', onProgress: (s) => progress.push(s) });
    t.match(notes, /already been completed/);
    t.match(result, { uploadId: upload.uploadId, partsReused: 5, bytesSent: 0, size: 5 * PART });
    t.equal(server.stats.requests['UploadPart'] ?? 0, 0, 'nothing re-sent');
    t.same(progress, [5 * PART], 'progress reports the total');
    t.throws(() => readFileSync(checkpointOf('completed.bin', path)), 'checkpoint deleted');

    // Same situation, but the object at the key is not this file: it is uploaded again.
    server.faults.add({ api: 'CompleteMultipartUpload', key: 'completed.bin', times: Infinity, action: { type: 'error', status: 500, code: 'InternalError' } });
    await t.rejects(resumableUpload(client, { file: path, key: 'completed.bin', partSize: PART, checkpointDir }).done);
    server.faults.clear();
    const [second] = server.listUploads(BUCKET);
    await client.abortMultipartUpload({ key: 'completed.bin', uploadId: second.uploadId });
    await client.putObject({ key: 'completed.bin', body: Buffer.from('someone else') });
    const again = await resume({ file: path, key: 'completed.bin' });
    t.match(again.notes, /no longer has upload/);
    t.equal(again.result.bytesSent, 5 * PART);
    t.ok((await server.readObject(BUCKET, 'completed.bin')).equals(data));
  });

  t.test('a resume walks every page of ListParts (1000 parts a page)', async (t) => {
    const key = 'many-parts.bin';
    const PARTS = 1003;
    const { path, data } = fx.file(key, PARTS * PART - 77);
    server.faults.add({ api: 'UploadPart', key, partNumber: PARTS, times: Infinity, action: { type: 'error', status: 500, code: 'InternalError' } });
    const options = { file: path, key, partSize: PART, parallel: 4, checkpointDir };
    t.type(await resumableUpload(client, options).catch((e: unknown) => e), OssServiceError, 'the last part fails; the other 1002 are on the server');
    server.faults.clear();
    server.stats.reset();
    const result = await resumableUpload(client, options);
    t.equal(server.stats.requests['ListParts'], 2, 'two pages');
    t.equal(result.partsReused, PARTS - 1, 'every part of both pages was recognised');
    t.equal(server.stats.requests['UploadPart'], 1, 'only the missing part was sent');
    t.ok((await server.readObject(BUCKET, key)).equals(data));
  });

  t.test('malformed XML from the server: a typed error each time, and nothing is lost', async (t) => {
    const { path, data } = fx.file('garbled.bin', 4 * PART);
    /** The API whose answers the proxy garbles (the request itself reaches the mock and takes effect). */
    let garbled: 'Initiate' | 'ListParts' | 'Complete' | undefined;
    const apiOf = (req: { method?: string | undefined; url?: string | undefined }): string => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      if (req.method === 'POST') return query.has('uploads') ? 'Initiate' : 'Complete';
      return req.method === 'GET' && query.has('uploadId') ? 'ListParts' : 'other';
    };
    const proxied = fx.client({
      endpoint: await rewritingProxy(t, server.url, (req) => (garbled !== undefined && apiOf(req) === garbled ? { body: '<Result><UploadId>half an answer' } : undefined)),
    });
    const checkpoint = checkpointPaths(checkpointDir, { endpoint: proxied.endpoint, bucket: BUCKET, key: 'garbled.bin', filePath: path }).checkpoint;
    const notes: string[] = [];
    const run = () => resumableUpload(proxied, { file: path, key: 'garbled.bin', partSize: PART, parallel: 1, checkpointDir, onNote: (n) => notes.push(n) });

    garbled = 'Initiate';
    const atInitiate = await run().catch((e: unknown) => e);
    t.type(atInitiate, OssXmlError, 'Initiate: OssXmlError');
    t.match((atInitiate as Error).message, /cannot read; check that the endpoint is an OSS service/, 'says what to do');
    t.notOk(existsSync(checkpoint), 'no checkpoint: no upload id was learnt');
    for (const upload of server.listUploads(BUCKET).filter((u) => u.key === 'garbled.bin')) {
      await client.abortMultipartUpload({ bucket: BUCKET, key: 'garbled.bin', uploadId: upload.uploadId }); // the one the client never heard of
    }

    server.faults.add({ api: 'UploadPart', key: 'garbled.bin', partNumber: 3, times: Infinity, action: { type: 'error', status: 500, code: 'InternalError' } });
    garbled = undefined;
    t.type(await run().catch((e: unknown) => e), OssServiceError, 'an interrupted run (part 3 failing) leaves parts 1 and 2');
    server.faults.clear();

    garbled = 'ListParts';
    const atListParts = await run().catch((e: unknown) => e);
    t.type(atListParts, OssXmlError, 'ListParts on resume: OssXmlError');
    t.ok(existsSync(checkpoint), 'the checkpoint is kept');

    garbled = 'Complete';
    const atComplete = await run().catch((e: unknown) => e);
    t.type(atComplete, OssXmlError, 'Complete: OssXmlError');
    t.match((atComplete as Error).message, /checkpoint .* was kept: run the same upload again to resume/);
    t.ok(existsSync(checkpoint), 'the checkpoint is still kept');

    garbled = undefined;
    server.stats.reset();
    const result = await run();
    t.match(notes.join('\n'), /had already been completed; the object matches the file/, 'the Complete had gone through: the object tells');
    t.equal(server.stats.requests['UploadPart'], undefined, 'nothing sent again');
    t.equal(result.size, data.length);
    t.ok((await server.readObject(BUCKET, 'garbled.bin')).equals(data));
    t.notOk(existsSync(checkpoint), 'the checkpoint is deleted after the verified success');
    t.same(server.listUploads(BUCKET).filter((u) => u.key === 'garbled.bin'), [], 'no upload left behind');
  });

  t.test('a Complete whose answer was lost: the retry answers NoSuchUpload, the object proves it went through', async (t) => {
    const { path, data } = fx.file('complete-lost.bin', 3 * PART);
    server.faults.add({ api: 'CompleteMultipartUpload', key: 'complete-lost.bin', action: { type: 'lose-response' } });
    const result = await resumableUpload(client, { file: path, key: 'complete-lost.bin', partSize: PART, checkpointDir });
    t.equal(server.stats.requests['CompleteMultipartUpload'], 2, 'the first Complete took effect unanswered, the retry got NoSuchUpload');
    t.equal(server.stats.requests['HeadObject'], 1, 'the object was checked');
    t.equal(result.size, data.length);
    t.equal(result.crc64, crcHexToDecimal(await crc64Hex(data)), 'the CRC-64 the parts combine to');
    t.ok((await server.readObject(BUCKET, 'complete-lost.bin')).equals(data));
    t.notOk(existsSync(checkpointOf('complete-lost.bin', path)), 'the checkpoint is deleted after the verified success');
  });

  t.test('Complete answering NoSuchUpload with no matching object fails; the next run starts afresh', async (t) => {
    const { path, data } = fx.file('complete-forgot.bin', 3 * PART);
    server.faults.add({ api: 'CompleteMultipartUpload', key: 'complete-forgot.bin', action: { type: 'forget' } });
    const err = await resumableUpload(client, { file: path, key: 'complete-forgot.bin', partSize: PART, checkpointDir }).catch((e) => e);
    t.type(err, OssServiceError);
    t.equal(err.code, 'NoSuchUpload');
    const { result } = await resume({ file: path, key: 'complete-forgot.bin' });
    t.equal(result.partsReused, 0);
    t.ok((await server.readObject(BUCKET, 'complete-forgot.bin')).equals(data));
  });

  t.test('parts on the server that the checkpoint missed are verified by hash, not re-sent', async (t) => {
    const { path, data } = fx.file('unrecorded.bin', 6 * PART);
    await interrupted('unrecorded.bin', path);
    const checkpointPath = checkpointOf('unrecorded.bin', path);
    const parsed = parseCheckpoint(readFileSync(checkpointPath, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.reason);
    // As if the run died before its write of part 2 reached the disk.
    writeFileSync(checkpointPath, serializeCheckpoint(sealCheckpoint({ ...parsed.checkpoint, parts: parsed.checkpoint.parts.filter((p) => p.partNumber === 1) })));
    server.stats.reset();
    const { result } = await resume({ file: path, key: 'unrecorded.bin' });
    t.equal(result.partsReused, 2);
    t.equal(server.stats.requests['UploadPart'], 4, 'parts 3-6 only');
    t.ok((await server.readObject(BUCKET, 'unrecorded.bin')).equals(data));
  });

  t.test('without a checkpointDir a failed upload is aborted (nothing could resume it)', async (t) => {
    const { path } = fx.file('no-checkpoint.bin', 4 * PART);
    server.faults.add({ api: 'UploadPart', key: 'no-checkpoint.bin', partNumber: 2, times: Infinity, action: { type: 'error', status: 500, code: 'InternalError' } });
    const err = await resumableUpload(client, { file: path, key: 'no-checkpoint.bin', partSize: PART, parallel: 1 }).catch((e) => e);
    t.type(err, OssServiceError);
    t.match(err.message, /was aborted; set checkpointDir/);
    t.same(server.listUploads(BUCKET), []);
  });

  t.test('the checkpoint holds no secret', async (t) => {
    const secretClient = new OssClient({ endpoint: server.url, bucket: BUCKET, credentials: { accessKeyId: 'mock-access-key-id', accessKeySecret: 'mock-access-key-secret' } });
    t.teardown(() => secretClient.close());
    const { path } = fx.file('secret.bin', 4 * PART);
    server.faults.add({ api: 'UploadPart', key: 'secret.bin', partNumber: 3, times: Infinity, action: { type: 'error', status: 400, code: 'InvalidArgument' } });
    await t.rejects(resumableUpload(secretClient, { file: path, key: 'secret.bin', partSize: PART, parallel: 1, checkpointDir }).done);
    const text = readFileSync(checkpointOf('secret.bin', path), 'utf8');
    t.notMatch(text, /mock-access-key-secret|mock-access-key-id|Signature|Authorization/);
    t.match(text, /"uploadId"/);
  });
});
