// The engine's part pipeline against the real mock server: parts are hashed ahead and their bytes
// read again as they are sent, so a part edited in between is refused by the server's Content-MD5
// check and a retry's re-read is checked against the digest here; a file that shrinks under the
// upload is a typed error before anything wrong is sent; and the CRC-64 checks with and without
// `localCrc64`, including a server whose part CRC disagrees with the bytes (a rewriting proxy in
// front of the mock).
import t from 'tap';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc64Hex, crcHexToDecimal } from '../lib/hash/crc64.js';
import { OssChecksumError, OssInvalidArgumentError, OssServiceError } from '../lib/errors.js';
import { parseCheckpoint, sealCheckpoint, serializeCheckpoint } from '../lib/upload/checkpoint.js';
import { MAX_BUFFERED_PART_SIZE, PartBufferPool } from '../lib/upload/part-buffers.js';
import { checkpointPaths, resumableUpload } from '../lib/upload/index.js';
import { BUCKET, PART, partBytesByNumber, uploadFixture } from './helpers/upload-fixtures.js';
import { crcRewritingProxy, isPart } from './helpers/rewriting-proxy.js';

const MiB = 1024 * 1024;
/** A whole second, so restoring it after an edit gives back exactly the mtime the upload recorded. */
const FIXED_MTIME = 1_700_000_000;

const crcOf = async (data: Buffer): Promise<string> => crcHexToDecimal(await crc64Hex(data));

/** Overwrites `length` bytes at `offset` with their complement, keeping size and mtime (so only the content changed). */
function flipBytesKeepingMtime(path: string, offset: number, length: number): void {
  const bytes = readFileSync(path).subarray(offset, offset + length).map((b) => b ^ 0xff);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
  utimesSync(path, FIXED_MTIME, FIXED_MTIME);
}

t.test('buffered part pipeline', async (t) => {
  const fx = await uploadFixture(t);
  const { server } = fx;
  const client = fx.client();
  const { checkpointDir } = fx;

  t.test('the rule: a single PutObject of up to 16 MiB is read into one buffer', async (t) => {
    t.equal(MAX_BUFFERED_PART_SIZE, 16 * MiB);
    t.type(PartBufferPool.forParts(MAX_BUFFERED_PART_SIZE), PartBufferPool);
    t.equal(PartBufferPool.forParts(MAX_BUFFERED_PART_SIZE + 1), undefined, 'larger ones are streamed');
    const pool = PartBufferPool.forParts(PART)!;
    const first = pool.acquire();
    const second = pool.acquire();
    t.equal(first.length, PART);
    t.not(first, second, 'two at once, two buffers');
    pool.release(first);
    t.equal(pool.acquire(), first, 'a released buffer is reused, not reallocated');
  });

  t.test('a retry re-reads the part and checks it against its digest: an edit behind a restored mtime is refused before the last byte, then resumed', async (t) => {
    const partSize = 3 * MiB;
    const { path, data } = fx.file('retry-buffered.bin', 2 * partSize, 11);
    utimesSync(path, FIXED_MTIME, FIXED_MTIME);
    // Part 1's first attempt is cut after 2.5 MiB, so by then at least one 1 MiB chunk was reported sent.
    server.faults.add({ api: 'UploadPart', key: 'retry-buffered.bin', partNumber: 1, action: { type: 'drop', afterBytes: 2.5 * MiB } });
    let edited = false;
    const retried: Array<number | undefined> = [];
    const err = await resumableUpload(client, {
      file: path,
      key: 'retry-buffered.bin',
      partSize,
      parallel: 1,
      checkpointDir,
      onRetry: (event) => event.type === 'retry' && retried.push(event.partNumber),
      onProgress: (sent) => {
        if (sent > 0 && !edited) {
          edited = true;
          flipBytesKeepingMtime(path, 1000, 4096); // inside part 1, already hashed and sent
        }
      },
    }).catch((e: unknown) => e);
    t.ok(edited);
    t.same(retried, [1], 'part 1 was retried once');
    // Its re-read failed the check before the last chunk: the server never got the whole part again.
    t.ok(partBytesByNumber(server).get(1)! < 2.5 * MiB + partSize, 'the retry did not send the whole part');
    // The ctime gives the edit away too: nothing is published, the upload is kept.
    t.type(err, OssInvalidArgumentError);
    t.match((err as Error).message, /changed during the upload \(its inode status change time moved.*were kept/);
    t.equal(server.stats.requests['CompleteMultipartUpload'] ?? 0, 0, 'nothing completed');
    const [upload] = server.listUploads(BUCKET).filter((u) => u.key === 'retry-buffered.bin');
    t.same(await client.listAllParts({ key: 'retry-buffered.bin', uploadId: upload.uploadId }), [], 'no part holds bytes other than the ones hashed');

    // The re-run hashes the file as it is now and sends it: the object is the file as it is now.
    const result = await resumableUpload(client, { file: path, key: 'retry-buffered.bin', partSize, parallel: 1, checkpointDir });
    const now = readFileSync(path);
    t.notOk(now.equals(data));
    t.ok((await server.readObject(BUCKET, 'retry-buffered.bin')).equals(now));
    t.equal(result.crc64, await crcOf(now));
  });

  t.test('a part edited after it was hashed and before it is sent: the server refuses the bytes, the error says the file changed', async (t) => {
    const { path } = fx.file('edited-ahead.bin', 6 * PART, 12);
    utimesSync(path, FIXED_MTIME, FIXED_MTIME);
    let edited = false;
    const err = await resumableUpload(client, {
      file: path,
      key: 'edited-ahead.bin',
      partSize: PART,
      parallel: 1,
      onProgress: (sent) => {
        // Parts 1-4 were hashed together, before part 1 was sent: part 3 is hashed, not sent yet.
        if (sent > 0 && !edited) {
          edited = true;
          flipBytesKeepingMtime(path, 2 * PART + 10, 100);
        }
      },
    }).catch((e: unknown) => e);
    t.ok(edited);
    // Part 3 went with the MD5 of its bytes as they were hashed; the server checks it against the
    // bytes it got (the edited ones), so they are refused, and the error names the change.
    t.type(err, OssInvalidArgumentError);
    t.match((err as Error).message, /changed during the upload/);
    t.type((err as Error).cause, OssServiceError);
    t.equal(((err as Error).cause as OssServiceError).code, 'InvalidDigest');
    t.equal(server.stats.requests['CompleteMultipartUpload'] ?? 0, 0);
  });

  t.test('a large-part upload (streaming path) is byte-identical', async (t) => {
    const partSize = MAX_BUFFERED_PART_SIZE + 4096;
    const { path, data } = fx.file('streamed.bin', partSize + 12345, 13);
    const result = await resumableUpload(client, { file: path, key: 'streamed.bin', partSize, localCrc64: true });
    t.ok((await server.readObject(BUCKET, 'streamed.bin')).equals(data));
    t.equal(result.crc64, await crcOf(data));
    t.equal(server.stats.requests['UploadPart'], 2);
  });

  t.test('a file that shrinks between the plan and the read of a part: typed error, nothing wrong sent', async (t) => {
    const { path } = fx.file('shrinks.bin', 4 * PART, 14);
    let truncated = false;
    const err = await resumableUpload(client, {
      file: path,
      key: 'shrinks.bin',
      partSize: PART,
      parallel: 1,
      checkpointDir,
      onProgress: (sent) => {
        if (sent > 0 && !truncated) {
          truncated = true;
          truncateSync(path, PART + PART / 2); // part 2 is now short, parts 3 and 4 are gone
        }
      },
    }).catch((e: unknown) => e);
    t.ok(truncated);
    t.type(err, OssInvalidArgumentError);
    t.match((err as Error).message, /changed during the upload \(its size changed/);
    t.equal(server.stats.requests['UploadPart'], 1, 'part 2 failed when read: never sent short');
    t.same(server.listUploads(BUCKET), [], 'the upload was aborted');
  });

  for (const localCrc64 of [false, true]) {
    const mode = localCrc64 ? 'with localCrc64' : 'without localCrc64';

    t.test(`${mode}: a part the server corrupted is an OssChecksumError (its ETag)`, async (t) => {
      const key = `corrupt-${localCrc64}.bin`;
      const { path } = fx.file(key, 3 * PART, 15);
      server.faults.add({ api: 'UploadPart', key, partNumber: 2, action: { type: 'corrupt' } });
      const err = await resumableUpload(client, { file: path, key, partSize: PART, parallel: 1, localCrc64 }).catch((e: unknown) => e);
      t.type(err, OssChecksumError);
      t.match((err as Error).message, /part 2 ETag/);
      t.equal(server.stats.requests['CompleteMultipartUpload'] ?? 0, 0);
    });

    t.test(`${mode}: a part CRC-64 the server misreports is caught`, async (t) => {
      const key = `crc-part-${localCrc64}.bin`;
      const { path } = fx.file(key, 3 * PART, 16);
      const proxied = fx.client({ endpoint: await crcRewritingProxy(t, server.url, isPart(2)) });
      const err = await resumableUpload(proxied, { file: path, key, partSize: PART, parallel: 1, localCrc64 }).catch((e: unknown) => e);
      t.type(err, OssChecksumError);
      if (localCrc64) {
        t.match((err as Error).message, /part 2 CRC-64/, 'against the local CRC, before Complete');
        t.equal(server.stats.requests['CompleteMultipartUpload'] ?? 0, 0);
      } else {
        // The server's own part CRCs do not combine to the object CRC it reports.
        t.match((err as Error).message, /object .* CRC-64/, 'against the object CRC, after Complete');
      }
    });

    t.test(`${mode}: an object CRC-64 that does not match the parts is caught`, async (t) => {
      const key = `crc-object-${localCrc64}.bin`;
      const { path } = fx.file(key, 3 * PART, 17);
      const proxied = fx.client({ endpoint: await crcRewritingProxy(t, server.url, (req) => req.method === 'POST' && (req.url ?? '').includes('uploadId=')) });
      const err = await resumableUpload(proxied, { file: path, key, partSize: PART, parallel: 2, localCrc64 }).catch((e: unknown) => e);
      t.type(err, OssChecksumError);
      t.match((err as Error).message, /object .* CRC-64/);
    });

    t.test(`${mode}: an interrupted upload resumes, unrecorded parts are verified by ETag, the checkpoint holds each part's true CRC`, async (t) => {
      const key = `resume-${localCrc64}.bin`;
      const { path, data } = fx.file(key, 5 * PART, 18);
      server.faults.add({ api: 'UploadPart', key, partNumber: 4, times: Infinity, action: { type: 'error', status: 500, code: 'InternalError' } });
      const options = { file: path, key, partSize: PART, parallel: 1, checkpointDir, localCrc64 };
      await t.rejects(resumableUpload(client, options).done, OssServiceError);
      const checkpointPath = checkpointPaths(checkpointDir, { endpoint: client.endpoint, bucket: BUCKET, key, filePath: path }).checkpoint;
      const parsed = parseCheckpoint(readFileSync(checkpointPath, 'utf8'));
      if (!parsed.ok) throw new Error(parsed.reason);
      t.same(parsed.checkpoint.parts.map((p) => p.partNumber), [1, 2, 3]);
      for (const part of parsed.checkpoint.parts) {
        t.equal(part.crc64, await crcOf(data.subarray((part.partNumber - 1) * PART, part.partNumber * PART)), `part ${part.partNumber} CRC recorded`);
      }
      // As if the run died before recording part 3: the resume must verify it by its ETag (MD5).
      writeFileSync(checkpointPath, serializeCheckpoint(sealCheckpoint({ ...parsed.checkpoint, parts: parsed.checkpoint.parts.filter((p) => p.partNumber !== 3) })));
      server.faults.clear();
      server.stats.reset();
      // The other mode resumes it: the recorded CRCs mean the same either way.
      const result = await resumableUpload(client, { ...options, localCrc64: !localCrc64 });
      t.equal(result.partsReused, 3);
      t.equal(server.stats.requests['UploadPart'], 2);
      t.equal(result.crc64, await crcOf(data));
      t.ok((await server.readObject(BUCKET, key)).equals(data));
    });

    t.test(`${mode}: a single PutObject`, async (t) => {
      const key = `single-${localCrc64}.bin`;
      const { path, data } = fx.file(key, PART, 19);
      const result = await resumableUpload(client, { file: path, key, partSize: PART, localCrc64 });
      t.equal(result.uploadId, undefined);
      t.equal(result.crc64, await crcOf(data));
      t.ok((await server.readObject(BUCKET, key)).equals(data));
      const proxied = fx.client({ endpoint: await crcRewritingProxy(t, server.url, (req) => req.method === 'PUT') });
      const misreported = await resumableUpload(proxied, { file: path, key, partSize: PART, localCrc64 }).catch((e: unknown) => e);
      // A single part is hashed locally for its CRC in either mode: there are no part CRCs to combine.
      t.type(misreported, OssChecksumError, 'the reported CRC is checked against the local one');
    });
  }
});
