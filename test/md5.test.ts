// MD5 of file ranges (streamed through hash-wasm) and of buffers against node:crypto on a seeded
// file that spans several read chunks; the shared range reader; cancellation, a file that is
// shorter than the range, and the ETag helpers.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMd5, crc64OfBytes, digestBytes, md5Base64ToEtag, md5OfBytes, md5OfFileRange, normalizeEtag, readAndDigest } from '../lib/hash/md5.js';
import { openForReading, readFileRange } from '../lib/hash/read-range.js';
import { crc64Hex, crcHexToDecimal } from '../lib/hash/crc64.js';
import { OssCancelledError, OssInvalidArgumentError } from '../lib/errors.js';
import { seededBytes } from './helpers/seeded.js';

const MiB = 1024 * 1024;


const reference = (bytes: Uint8Array) => {
  const digest = createHash('md5').update(bytes).digest();
  return { base64: digest.toString('base64'), hex: digest.toString('hex').toUpperCase() };
};

const dir = mkdtempSync(join(tmpdir(), 'oss-md5-test-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
// Crosses three 1 MiB read chunks and ends unaligned.
const content = seededBytes(3 * MiB + 4321, 0x5eed);
const file = join(dir, 'data.bin');
writeFileSync(file, content);

t.test('ranges match node:crypto', async (t) => {
  let seed = 99;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const ranges: Array<[number, number, string]> = [
    [0, 0, 'empty at start'],
    [1234, 1234, 'empty in the middle'],
    [content.length, content.length, 'empty at end'],
    [0, 1, 'first byte'],
    [content.length - 1, content.length, 'last byte'],
    [7, 100_003, 'unaligned, within one chunk'],
    [MiB - 5, MiB + 5, 'across a chunk boundary'],
    [0, MiB, 'exactly one chunk'],
    [0, content.length, 'whole file'],
  ];
  for (let i = 0; i < 6; i++) {
    const start = next(content.length);
    ranges.push([start, start + next(content.length - start + 1), `random #${i}`]);
  }
  for (const [start, end, label] of ranges) {
    const slice = content.subarray(start, end);
    const digest = await md5OfFileRange(file, start, end);
    t.same(digest, reference(slice), `${label} [${start}, ${end})`);
    t.notOk('crc64' in digest, 'no CRC unless asked');
  }
});

t.test('CRC-64 in the same pass', async (t) => {
  for (const [start, end] of [[0, 0], [5, MiB + 17], [0, content.length]]) {
    const slice = content.subarray(start, end);
    const digest = await md5OfFileRange(file, start, end, undefined, { crc64: true });
    t.equal(digest.crc64, crcHexToDecimal(await crc64Hex(slice)), `[${start}, ${end})`);
    t.equal(digest.base64, reference(slice).base64);
  }
});

t.test('concurrent hashing keeps results apart (pooled hashers)', async (t) => {
  const ranges = Array.from({ length: 8 }, (_, i) => [i * 300_000, i * 300_000 + 500_000 + i] as const);
  const digests = await Promise.all(ranges.map(([start, end], i) => md5OfFileRange(file, start, end, undefined, { crc64: i % 2 === 0 })));
  digests.forEach((digest, i) => t.equal(digest.hex, reference(content.subarray(ranges[i][0], ranges[i][1])).hex, `range ${i}`));
});

t.test('cancellation', async (t) => {
  const before = new AbortController();
  before.abort();
  await t.rejects(md5OfFileRange(file, 0, content.length, before.signal), OssCancelledError, 'already aborted');

  // Aborted after the call started (while the file is being opened): stops before hashing finishes.
  const during = new AbortController();
  const pending = md5OfFileRange(file, 0, content.length, during.signal);
  during.abort(new Error('user pressed ctrl-c'));
  await t.rejects(pending, OssCancelledError, 'aborted mid-way');
});

t.test('a file shorter than the range says it changed', async (t) => {
  await t.rejects(md5OfFileRange(file, content.length - 10, content.length + 10), {
    constructor: OssInvalidArgumentError,
    message: new RegExp(`ends at byte ${content.length} .*changed`),
  });
  await t.rejects(md5OfFileRange(file, content.length + 1, content.length + 2), OssInvalidArgumentError);
});

t.test('bad arguments and missing files', async (t) => {
  await t.rejects(md5OfFileRange(join(dir, 'missing.bin'), 0, 1), { constructor: OssInvalidArgumentError, message: /missing\.bin does not exist/ });
  await t.rejects(md5OfFileRange(file, 10, 5), OssInvalidArgumentError, 'start after end');
  await t.rejects(md5OfFileRange(file, -1, 5), OssInvalidArgumentError, 'negative start');
  await t.rejects(md5OfFileRange(file, 0, 1.5), OssInvalidArgumentError, 'fractional end');
});

t.test('readFileRange fills a caller buffer from a path or an open file', async (t) => {
  const buffer = Buffer.alloc(2 * MiB);
  const view = await readFileRange(file, MiB - 7, 2 * MiB + 9, buffer);
  t.equal(view.buffer, buffer.buffer, 'a view of the caller buffer, not a copy');
  t.ok(view.equals(content.subarray(MiB - 7, 2 * MiB + 9)));
  const opened = await openForReading(file);
  try {
    t.ok((await readFileRange(opened, 3, 1003, buffer)).equals(content.subarray(3, 1003)), 'an open file stays open for more reads');
    t.ok((await readFileRange(opened, 0, 0, buffer)).equals(Buffer.alloc(0)), 'an empty range');
  } finally {
    await opened.handle.close();
  }
  await t.rejects(readFileRange(file, content.length - 10, content.length + 10, buffer), {
    constructor: OssInvalidArgumentError,
    message: new RegExp(`ends at byte ${content.length} .*changed`),
  });
  const tooSmall = await readFileRange(file, 0, 100, Buffer.alloc(99)).catch((e: unknown) => e);
  t.type(tooSmall, OssInvalidArgumentError, 'a buffer too small');
  t.equal((tooSmall as OssInvalidArgumentError).argument, 'buffer');
  await t.rejects(readFileRange(join(dir, 'missing.bin'), 0, 1, buffer), { constructor: OssInvalidArgumentError, message: /missing\.bin does not exist/ });
  const aborted = new AbortController();
  aborted.abort();
  await t.rejects(readFileRange(file, 0, 10, buffer, aborted.signal), OssCancelledError);
});

t.test('readAndDigest: the range lands in the buffer and is hashed on the way', async (t) => {
  const buffer = Buffer.alloc(content.length + 10, 0xee);
  const opened = await openForReading(file);
  t.teardown(() => opened.handle.close());
  for (const [start, end, label] of [[0, 0, 'empty'], [3, 17, 'small'], [MiB - 5, 2 * MiB + 9, 'across two chunk boundaries'], [0, content.length, 'whole file']] as const) {
    const slice = content.subarray(start, end);
    for (const [source, how] of [[file, 'path'], [opened, 'open file']] as const) {
      const { bytes, digest } = await readAndDigest(source, start, end, buffer, undefined, { crc64: true });
      t.ok(bytes.equals(slice), `${label}, ${how}: the bytes are the range`);
      t.equal(bytes.buffer, buffer.buffer, `${label}, ${how}: read into the given buffer, not a copy`);
      t.same(digest, { ...reference(slice), crc64: crcHexToDecimal(await crc64Hex(slice)) }, `${label}, ${how}: MD5 and CRC-64`);
    }
  }
  const plain = await readAndDigest(file, 5, 100, buffer);
  t.notOk('crc64' in plain.digest, 'no CRC unless asked');
  await t.rejects(readAndDigest(file, 0, 100, Buffer.alloc(99)), OssInvalidArgumentError, 'a buffer too small for the range');
  await t.rejects(readAndDigest(file, content.length - 5, content.length + 5, buffer), OssInvalidArgumentError, 'a range past the end of the file');
  const aborted = new AbortController();
  aborted.abort();
  await t.rejects(readAndDigest(file, 0, 10, buffer, aborted.signal), OssCancelledError);
});

t.test('digestBytes: MD5 and, when asked, CRC-64 of a buffer', async (t) => {
  for (const bytes of [new Uint8Array(0), content.subarray(5, 100_005), content]) {
    const plain = await digestBytes(bytes);
    t.same(plain, reference(bytes), 'MD5 only');
    const withCrc = await digestBytes(bytes, { crc64: true });
    const crc = crcHexToDecimal(await crc64Hex(bytes));
    t.same(withCrc, { ...reference(bytes), crc64: crc });
    t.equal(await crc64OfBytes(bytes), crc);
  }
  const digests = await Promise.all([0, 1, 2, 3].map((i) => digestBytes(content.subarray(i * 1000, i * 1000 + 70_000), { crc64: true })));
  digests.forEach((d, i) => t.equal(d.hex, reference(content.subarray(i * 1000, i * 1000 + 70_000)).hex, `concurrent #${i}`));
});

t.test('md5OfBytes and createMd5', async (t) => {
  for (const bytes of [new Uint8Array(0), Buffer.from('hello'), content.subarray(100, 200_100)]) {
    t.same(await md5OfBytes(bytes), reference(bytes));
  }
  t.equal((await md5OfBytes(new Uint8Array(0))).hex, 'D41D8CD98F00B204E9800998ECF8427E', 'empty input');
  const stream = await createMd5();
  stream.update(content.subarray(0, 10));
  stream.update(content.subarray(10, 5000));
  const expected = reference(content.subarray(0, 5000));
  t.equal(stream.digestHex(), expected.hex);
  t.equal(stream.digestBase64(), expected.base64, 'both digests from one stream');
  t.throws(() => stream.update(Buffer.from('x')), /after digest/);
});

t.test('ETag helpers', async (t) => {
  t.equal(md5Base64ToEtag('QDzPicYI2cfOcelV9wbsWg=='), '"403CCF89C608D9C7CE71E955F706EC5A"', 'protocol §4.2 example');
  t.throws(() => md5Base64ToEtag('not-base64'), OssInvalidArgumentError);
  t.throws(() => md5Base64ToEtag('QDzPicYI2cfOcelV9wbs'), OssInvalidArgumentError, 'too short');
  for (const etag of ['"403ccf89c608d9c7ce71e955f706ec5a"', '403CCF89C608D9C7CE71E955F706EC5A', '&quot;403CCF89C608D9C7CE71E955F706EC5A&quot;', '  "403CCF89C608D9C7CE71E955F706EC5A" ']) {
    t.equal(normalizeEtag(etag), '403CCF89C608D9C7CE71E955F706EC5A', etag);
  }
  t.equal(normalizeEtag('"b864db6a936d376f9f8d3ed3bbe540dd-3"'), 'B864DB6A936D376F9F8D3ED3BBE540DD-3', 'multipart ETag');
});
