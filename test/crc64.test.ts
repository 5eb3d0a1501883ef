// CRC-64/XZ: every vector in fixtures/vectors/crc64.json, the combine/fold against whole-buffer CRCs
// of seeded random data, and rejection of values that are not unsigned 64-bit CRCs.
import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  crc64Combine,
  crc64Hex,
  crc64OfParts,
  crcHexToDecimal,
  crcToBigInt,
  createCrc64,
} from '../lib/hash/crc64.js';
import { md5OfBytes } from '../lib/hash/md5.js';
import { OssInvalidArgumentError } from '../lib/errors.js';
import { seededBytes } from './helpers/seeded.js';

interface Vector {
  type: 'single' | 'combine' | 'multipart-combine';
  [field: string]: any;
}
const { vectors } = JSON.parse(readFileSync(new URL('../fixtures/vectors/crc64.json', import.meta.url), 'utf8')) as {
  vectors: Vector[];
};
const utf8 = (text: string) => new TextEncoder().encode(text);
const hexToBig = (hex: string) => BigInt(`0x${hex}`);


t.test('single vectors: one-shot hex, decimal conversion and streaming agree', async (t) => {
  const singles = vectors.filter((v) => v.type === 'single');
  t.ok(singles.length >= 5, 'the fixture has the single vectors');
  for (const v of singles) {
    const data = utf8(v.inputUtf8);
    t.equal(data.length, v.lengthBytes, `${JSON.stringify(v.inputUtf8)} length`);
    t.equal(await crc64Hex(data), v.expectedHex, `hex of ${JSON.stringify(v.inputUtf8)}`);
    t.equal(crcHexToDecimal(v.expectedHex), v.expectedDecimal, `decimal of ${v.expectedHex}`);
    const stream = await createCrc64();
    const cut = Math.floor(data.length / 3);
    stream.update(data.subarray(0, cut));
    stream.update(data.subarray(cut));
    t.equal(stream.digestDecimal(), v.expectedDecimal, `streamed ${JSON.stringify(v.inputUtf8)}`);
    t.equal(stream.digestDecimal(), v.expectedDecimal, 'digest is stable');
    t.throws(() => stream.update(data), /after digest/);
  }
});

t.test('combine vector equals the CRC of the concatenation', async (t) => {
  const combines = vectors.filter((v) => v.type === 'combine');
  t.ok(combines.length >= 1);
  for (const v of combines) {
    const expected = hexToBig(v.expectedCombinedHex);
    t.equal(crc64Combine(hexToBig(v.part1CrcHex), hexToBig(v.part2CrcHex), v.part2LengthBytes), expected);
    t.equal(crc64Combine(hexToBig(v.part1CrcHex), hexToBig(v.part2CrcHex), BigInt(v.part2LengthBytes)), expected, 'bigint length');
    t.equal(expected.toString(), v.expectedCombinedDecimal);
    const whole = utf8(v.part1Utf8 + v.part2Utf8);
    t.equal(await crc64Hex(whole), v.expectedCombinedHex, 'hashing the concatenation agrees');
  }
});

t.test('multipart-combine vector: per-part CRC/MD5 and the object fold', async (t) => {
  const multis = vectors.filter((v) => v.type === 'multipart-combine');
  t.ok(multis.length >= 1);
  for (const v of multis) {
    // The recipe's stated total disagrees with the parts; the parts' offsets and sizes are authoritative.
    const total = Math.max(...v.parts.map((p: { offset: number; size: number }) => p.offset + p.size));
    const buffer = new Uint8Array(total);
    for (let i = 0; i < total; i++) buffer[i] = (i * 31 + 7) & 0xff;
    for (const part of v.parts) {
      const bytes = buffer.subarray(part.offset, part.offset + part.size);
      t.equal(crcHexToDecimal(await crc64Hex(bytes)), part.crcDecimal, `part at ${part.offset} CRC`);
      t.equal((await md5OfBytes(bytes)).hex, part.md5Hex, `part at ${part.offset} MD5`);
    }
    const folded = crc64OfParts(v.parts.map((p: { crcDecimal: string; size: number }) => ({ crc64: p.crcDecimal, size: p.size })));
    t.equal(folded.toString(), v.expectedObjectCrcDecimal, 'fold of decimal strings');
    const foldedBig = crc64OfParts(v.parts.map((p: { crcDecimal: string; size: number }) => ({ crc64: BigInt(p.crcDecimal), size: p.size })));
    t.equal(foldedBig, folded, 'fold of bigints');
    t.equal(await crc64Hex(buffer), v.expectedObjectCrcHex, 'CRC of the whole buffer');
    t.equal((await md5OfBytes(buffer)).hex, v.wholeObjectMd5Hex, 'MD5 of the whole buffer');
  }
});

t.test('fold of random splits equals the CRC of the whole (seeded)', async (t) => {
  const data = seededBytes(300_000, 0xc0ffee);
  const whole = hexToBig(await crc64Hex(data));
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 8; round++) {
    const cuts = Array.from({ length: 1 + next(6) }, () => next(data.length + 1)).sort((a, b) => a - b);
    const bounds = [0, ...cuts, data.length]; // repeated cuts make empty parts, which must be no-ops
    const parts = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const slice = data.subarray(bounds[i], bounds[i + 1]);
      parts.push({ crc64: crcHexToDecimal(await crc64Hex(slice)), size: slice.length });
    }
    t.equal(crc64OfParts(parts), whole, `split at ${cuts.join(',')}`);
  }
});

t.test('combine across a long zero run exercises many length bits', async (t) => {
  const head = utf8('123456789');
  const zeros = new Uint8Array(1_000_003);
  const joined = new Uint8Array(head.length + zeros.length);
  joined.set(head);
  const combined = crc64Combine(hexToBig(await crc64Hex(head)), hexToBig(await crc64Hex(zeros)), zeros.length);
  t.equal(combined, hexToBig(await crc64Hex(joined)));
  t.equal(crc64Combine(123n, 0n, 0), 123n, 'an empty second part leaves the first CRC');
  t.equal(crc64OfParts([]), 0n, 'no parts: CRC of empty input');
});

t.test('conversions accept only unsigned 64-bit values', async (t) => {
  t.equal(crcToBigInt('18446744073709551615'), (1n << 64n) - 1n);
  t.equal(crcToBigInt('0'), 0n);
  t.equal(crcToBigInt(5n), 5n);
  for (const bad of ['18446744073709551616', '-1', 'abc', '', '1.5', ' 1', '0x10', '123456789012345678901']) {
    t.throws(() => crcToBigInt(bad), OssInvalidArgumentError, `rejects ${JSON.stringify(bad)}`);
  }
  t.throws(() => crcToBigInt(1n << 64n), OssInvalidArgumentError);
  t.throws(() => crcToBigInt(-1n), OssInvalidArgumentError);
  t.equal(crcHexToDecimal('FFFFFFFFFFFFFFFF'), '18446744073709551615');
  t.throws(() => crcHexToDecimal('10000000000000000'), OssInvalidArgumentError, '17 hex digits');
  t.throws(() => crcHexToDecimal('xyz'), OssInvalidArgumentError);
  t.throws(() => crc64Combine(1n, 2n, -1), OssInvalidArgumentError);
  t.throws(() => crc64Combine(1n, 2n, 1.5), OssInvalidArgumentError);
  t.throws(() => crc64Combine(1n << 64n, 2n, 1), OssInvalidArgumentError);
  t.throws(() => crc64OfParts([{ crc64: 'nope', size: 1 }]), OssInvalidArgumentError);
});
