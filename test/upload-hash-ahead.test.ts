// Feeding the multi-buffer MD5: parts are hashed ahead in groups of four (one per lane) and sent
// with their Content-MD5, read again as they are sent. Against the real mock server, through a
// proxy that records every request's headers as it arrives: every part carries the MD5 of its
// bytes for any number of parts left at the end of the file; a retry after a dropped connection
// sends the same digest and the object is byte-identical; a cancel while parts are hashed ahead
// stops cleanly; a resume re-verifies the parts the server holds through the same reader. And the
// reader itself, on real files: digests against node:crypto, a file that ends early, a stop.
import t from 'tap';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, utimesSync, writeSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { crc64Hex, crcHexToDecimal } from '../lib/hash/crc64.js';
import { createMd5Lanes } from '../lib/hash/md5-lanes.js';
import { openForReading } from '../lib/hash/read-range.js';
import { OssCancelledError, OssInvalidArgumentError } from '../lib/errors.js';
import { HashAhead, type HashedPart } from '../lib/upload/hash-ahead.js';
import { planParts } from '../lib/upload/plan.js';
import { resumableUpload } from '../lib/upload/index.js';
import { BUCKET, PART, uploadFixture } from './helpers/upload-fixtures.js';
import { rewritingProxy } from './helpers/rewriting-proxy.js';

const MiB = 1024 * 1024;
const md5Base64 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('base64');

interface SeenPart {
  partNumber: number;
  contentMd5: string | undefined;
}

/** The UploadPart requests a proxy saw, in arrival order. */
function partRequests(seen: IncomingMessage[]): SeenPart[] {
  return seen
    .filter((req) => req.method === 'PUT' && (req.url ?? '').includes('partNumber='))
    .map((req) => ({
      partNumber: Number(new URL(req.url ?? '/', 'http://x').searchParams.get('partNumber')),
      contentMd5: req.headers['content-md5'] as string | undefined,
    }));
}

t.test('hash ahead', async (t) => {
  const fx = await uploadFixture(t);
  const { server, checkpointDir } = fx;
  const seen: IncomingMessage[] = [];
  const proxied = fx.client({ endpoint: await rewritingProxy(t, server.url, () => undefined, (req) => seen.push(req)) });
  t.beforeEach(() => {
    seen.length = 0;
  });

  t.test('every part carries the Content-MD5 of its bytes, whatever number of parts is left at the end of the file', async (t) => {
    // 1 to 9 parts: every count of parts left for the last group of four, with short and exact last parts.
    for (let parts = 1; parts <= 9; parts++) {
      for (const short of [0, 777]) {
        const key = `eof-${parts}-${short}.bin`;
        const { path, data } = fx.file(key, parts * PART - short, parts * 31 + short);
        seen.length = 0;
        const parallel = 1 + (parts % 4);
        await resumableUpload(proxied, { file: path, key, partSize: PART, parallel, forceMultipart: true });
        const sent = partRequests(seen);
        t.same(sent.map((p) => p.partNumber).sort((a, b) => a - b), Array.from({ length: parts }, (_, i) => i + 1), `${key}: each part once`);
        for (const { partNumber, contentMd5 } of sent) {
          t.equal(contentMd5, md5Base64(data.subarray((partNumber - 1) * PART, partNumber * PART)), `${key}: part ${partNumber}'s Content-MD5`);
        }
        t.ok((await server.readObject(BUCKET, key)).equals(data), `${key}: byte-identical`);
      }
    }
  });

  t.test('parts of several chunks, not chunk-aligned, with the local CRC-64', async (t) => {
    const partSize = 1.5 * MiB + 3;
    const { path, data } = fx.file('chunks.bin', 5 * partSize + 1000, 77);
    const result = await resumableUpload(proxied, { file: path, key: 'chunks.bin', partSize, parallel: 3, localCrc64: true });
    const sent = partRequests(seen);
    t.equal(sent.length, 6);
    for (const { partNumber, contentMd5 } of sent) {
      t.equal(contentMd5, md5Base64(data.subarray((partNumber - 1) * partSize, partNumber * partSize)), `part ${partNumber}`);
    }
    t.equal(result.crc64, crcHexToDecimal(await crc64Hex(data)));
    t.ok((await server.readObject(BUCKET, 'chunks.bin')).equals(data));
  });

  t.test('a retry after a connection dropped mid-part sends the same digest; the object is byte-identical', async (t) => {
    const partSize = 2 * MiB;
    const { path, data } = fx.file('dropped.bin', 3 * partSize + 5, 78);
    server.faults.add({ api: 'UploadPart', key: 'dropped.bin', partNumber: 2, action: { type: 'drop', afterBytes: 1.5 * MiB } });
    const retried: Array<number | undefined> = [];
    await resumableUpload(proxied, {
      file: path,
      key: 'dropped.bin',
      partSize,
      parallel: 2,
      onRetry: (event) => event.type === 'retry' && retried.push(event.partNumber),
    });
    t.same(retried, [2], 'part 2 was retried');
    const part2 = partRequests(seen).filter((p) => p.partNumber === 2);
    t.equal(part2.length, 2, 'two attempts of part 2');
    t.equal(part2[0].contentMd5, md5Base64(data.subarray(partSize, 2 * partSize)));
    t.equal(part2[1].contentMd5, part2[0].contentMd5, 'the retry sent the digest hashed ahead');
    t.ok((await server.readObject(BUCKET, 'dropped.bin')).equals(data));
  });

  t.test('a cancel while parts wait hashed ahead ends the upload at once and aborts it', async (t) => {
    const { path } = fx.file('cancel-waiting.bin', 12 * PART, 79);
    // Part 1 hangs on the server; meanwhile parts 2-4 wait hashed for the one sender.
    server.faults.add({ api: 'UploadPart', key: 'cancel-waiting.bin', partNumber: 1, action: { type: 'stall', ms: 60_000 } });
    const upload = resumableUpload(fx.client(), { file: path, key: 'cancel-waiting.bin', partSize: PART, parallel: 1 });
    while ((server.stats.requests['UploadPart'] ?? 0) < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    upload.cancel();
    const err = await upload.done.catch((e: unknown) => e);
    t.type(err, OssCancelledError);
    t.equal(server.stats.requests['UploadPart'], 1, 'no part was sent after part 1');
    t.same(server.listUploads(BUCKET).filter((u) => u.key === 'cancel-waiting.bin'), [], 'the upload was aborted');
  });

  t.test('a cancel at any moment of the hashing ahead: cancelled or done, never another outcome', async (t) => {
    const partSize = 1.5 * MiB;
    const { path, data } = fx.file('cancel-any.bin', 9 * partSize, 80);
    for (const delayMs of [0, 1, 2, 4, 8, 16, 32]) {
      const key = `cancel-any-${delayMs}.bin`;
      const upload = resumableUpload(fx.client(), { file: path, key, partSize, parallel: 2 });
      setTimeout(() => upload.cancel(), delayMs);
      const outcome = await upload.done.catch((e: unknown) => e);
      if (outcome instanceof Error) {
        t.type(outcome, OssCancelledError, `cancelled after ${delayMs} ms`);
        t.same(server.listUploads(BUCKET).filter((u) => u.key === key), [], 'and aborted');
      } else {
        t.ok((await server.readObject(BUCKET, key)).equals(data), `finished before the cancel at ${delayMs} ms`);
      }
    }
  });

  t.test('a resume re-reads every part the server holds through the reader, across its groups: only the changed one is sent again', async (t) => {
    const { path, data } = fx.file('resume-groups.bin', 9 * PART, 81);
    utimesSync(path, 1_700_000_000, 1_700_000_000);
    server.faults.add({ api: 'UploadPart', key: 'resume-groups.bin', partNumber: 7, times: Infinity, action: { type: 'error', status: 403, code: 'AccessDenied' } });
    const options = { file: path, key: 'resume-groups.bin', partSize: PART, parallel: 1, checkpointDir };
    await t.rejects(resumableUpload(proxied, options).done, { code: 'AccessDenied' });
    server.faults.clear();
    // Part 5 (first of the second group) changes in place, size and mtime kept.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from('changed'), 0, 7, 4 * PART + 100);
    closeSync(fd);
    utimesSync(path, 1_700_000_000, 1_700_000_000);
    const now = readFileSync(path);
    seen.length = 0;
    const notes: string[] = [];
    const result = await resumableUpload(proxied, { ...options, onNote: (n) => notes.push(n) });
    t.equal(result.partsReused, 5, 'parts 1-4 and 6 kept after their re-read');
    t.same(partRequests(seen).map((p) => p.partNumber).sort((a, b) => a - b), [5, 7, 8, 9]);
    t.match(notes.join('\n'), /Part 5 on the server differs from the file/);
    t.notOk(now.equals(data));
    t.ok((await server.readObject(BUCKET, 'resume-groups.bin')).equals(now));
  });
});

t.test('the reader', async (t) => {
  const fx = await uploadFixture(t);
  const lanes = await createMd5Lanes();
  const takeAll = async (hashing: HashAhead): Promise<HashedPart[]> => {
    const all: HashedPart[] = [];
    for (let next = await hashing.take(); next; next = await hashing.take()) all.push(next);
    return all;
  };

  t.test('digests of every part equal node:crypto MD5 and the CRC-64, handed out in order', async (t) => {
    for (const [size, partSize] of [
      [0, PART],
      [1, PART],
      [5 * PART, PART],
      [3 * MiB + 17, MiB],
      [7 * (MiB + 999) - 5, MiB + 999],
    ]) {
      const { path, data } = fx.file(`reader-${size}.bin`, size, size + 7);
      const file = await openForReading(path);
      try {
        const plan = planParts(size, partSize);
        const hashing = new HashAhead({ file, parts: plan.parts, lanes, ahead: 1, crc64: true, signal: new AbortController().signal });
        const hashed = await takeAll(hashing);
        await hashing.stop();
        t.same(hashed.map((h) => h.part.partNumber), plan.parts.map((p) => p.partNumber), `${size}/${partSize}: all parts, in order`);
        for (const { part, md5, crc64 } of hashed) {
          const bytes = data.subarray(part.start, part.end);
          t.equal(md5, md5Base64(bytes), `${size}/${partSize}: part ${part.partNumber} MD5`);
          t.equal(crc64, crcHexToDecimal(await crc64Hex(bytes)), `${size}/${partSize}: part ${part.partNumber} CRC-64`);
        }
      } finally {
        await file.handle.close();
      }
    }
  });

  t.test('a file shorter than its plan: take rejects with the file error; the lanes stay usable', async (t) => {
    const { path } = fx.file('reader-short.bin', 2 * PART, 5);
    const file = await openForReading(path);
    try {
      const hashing = new HashAhead({ file, parts: planParts(3 * PART, PART).parts, lanes, ahead: 4, crc64: false, signal: new AbortController().signal });
      await t.rejects(hashing.take(), OssInvalidArgumentError);
      await t.rejects(hashing.take(), OssInvalidArgumentError, 'and keeps rejecting');
      await hashing.stop();
      const again = new HashAhead({ file, parts: planParts(2 * PART, PART).parts, lanes, ahead: 4, crc64: false, signal: new AbortController().signal });
      const data = readFileSync(path);
      t.same((await takeAll(again)).map((h) => h.md5), [md5Base64(data.subarray(0, PART)), md5Base64(data.subarray(PART))]);
      await again.stop();
    } finally {
      await file.handle.close();
    }
  });

  t.test('stopped with parts left: stop settles, take no longer hands out parts, the caller signal cancels', async (t) => {
    const { path } = fx.file('reader-stop.bin', 12 * PART, 6);
    const file = await openForReading(path);
    try {
      const hashing = new HashAhead({ file, parts: planParts(12 * PART, PART).parts, lanes, ahead: 0, crc64: false, signal: new AbortController().signal });
      t.ok(await hashing.take());
      await hashing.stop();
      await t.rejects(hashing.take(), OssCancelledError);
      t.ok(hashing.remaining.length > 0 && hashing.remaining.length < 12, 'what was not handed out is still there');
      const caller = new AbortController();
      const cancelled = new HashAhead({ file, parts: planParts(12 * PART, PART).parts, lanes, ahead: 0, crc64: false, signal: caller.signal });
      caller.abort(new OssCancelledError('stop'));
      await t.rejects(takeAll(cancelled), OssCancelledError);
      await cancelled.stop();
    } finally {
      await file.handle.close();
    }
  });
});
