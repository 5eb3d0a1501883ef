// CRC-64/XZ ("crc64ecma" in OSS): hashing through hash-wasm, and combining per-part CRCs into the
// whole-object CRC (protocol §6.3) without re-reading any data. Values travel as unsigned decimal
// strings on the wire and as bigint here; never as Number (they exceed 2^53).
import { crc64, createCRC64 } from './wasm-builds.js';
import { OssInvalidArgumentError } from '../errors.js';

const MAX_CRC = (1n << 64n) - 1n;
/** Reflected ECMA-182 polynomial. */
const POLY_REFLECTED = 0xc96c5795d7870f42n;
const DECIMAL_CRC = /^\d{1,20}$/;
const HEX_CRC = /^[0-9a-fA-F]{1,16}$/;

/** A GF(2) 64x64 matrix: column i is the image of bit i. */
type Gf2Matrix = bigint[];

function times(matrix: Gf2Matrix, vector: bigint): bigint {
  let sum = 0n;
  for (let i = 0; vector !== 0n; i++, vector >>= 1n) {
    if (vector & 1n) sum ^= matrix[i];
  }
  return sum;
}

function square(matrix: Gf2Matrix): Gf2Matrix {
  return matrix.map((column) => times(matrix, column));
}

/**
 * zeroBytesOperator[k] shifts a CRC register through 2^k zero bytes. Built lazily and kept, so a
 * combine costs at most one matrix-vector product per set bit of the length (zlib recomputes the
 * squares on every call).
 */
const zeroBytesOperator: Gf2Matrix[] = [];

function operatorForZeroBytes(log2: number): Gf2Matrix {
  if (zeroBytesOperator.length === 0) {
    // One zero bit: the reflected shift-and-reduce step; squared three times gives one byte.
    const oneBit: Gf2Matrix = [POLY_REFLECTED];
    for (let n = 1; n < 64; n++) oneBit.push(1n << BigInt(n - 1));
    zeroBytesOperator.push(square(square(square(oneBit))));
  }
  while (zeroBytesOperator.length <= log2) {
    zeroBytesOperator.push(square(zeroBytesOperator[zeroBytesOperator.length - 1]));
  }
  return zeroBytesOperator[log2];
}

function checkCrc(value: bigint, argument: string): bigint {
  if (value < 0n || value > MAX_CRC) {
    throw new OssInvalidArgumentError(argument, `${value} is not an unsigned 64-bit CRC`);
  }
  return value;
}

/** CRC of A||B from crc(A), crc(B) and the length of B (GO1 CRC64Combine, zlib crc32_combine). */
export function crc64Combine(crc1: bigint, crc2: bigint, len2: number | bigint): bigint {
  checkCrc(crc1, 'crc1');
  checkCrc(crc2, 'crc2');
  if (typeof len2 === 'number' && !Number.isSafeInteger(len2)) {
    throw new OssInvalidArgumentError('len2', `${len2} is not a byte count`);
  }
  let remaining = BigInt(len2);
  if (remaining < 0n) throw new OssInvalidArgumentError('len2', `${len2} is negative`);
  let crc = crc1;
  for (let k = 0; remaining !== 0n; k++, remaining >>= 1n) {
    if (remaining & 1n) crc = times(operatorForZeroBytes(k), crc);
  }
  return crc ^ crc2;
}

/** The whole-object CRC of parts concatenated in the given order (what OSS reports after Complete). */
export function crc64OfParts(parts: Array<{ crc64: bigint | string; size: number }>): bigint {
  let acc = 0n;
  for (const part of parts) acc = crc64Combine(acc, crcToBigInt(part.crc64), part.size);
  return acc;
}

/** 16 lower-case hex characters. */
export async function crc64Hex(data: Uint8Array): Promise<string> {
  return crc64(data);
}

export function crcHexToDecimal(hex: string): string {
  if (!HEX_CRC.test(hex)) throw new OssInvalidArgumentError('crc64', `${JSON.stringify(hex)} is not a hexadecimal CRC-64`);
  return BigInt(`0x${hex}`).toString();
}

/** Accepts the wire form (unsigned decimal string) or a bigint; rejects anything outside 0..2^64-1. */
export function crcToBigInt(v: string | bigint): bigint {
  if (typeof v === 'bigint') return checkCrc(v, 'crc64');
  if (typeof v !== 'string' || !DECIMAL_CRC.test(v)) {
    throw new OssInvalidArgumentError('crc64', `${JSON.stringify(v)} is not an unsigned decimal CRC-64`);
  }
  return checkCrc(BigInt(v), 'crc64');
}

export interface Crc64Stream {
  update(chunk: Uint8Array): void;
  /** Unsigned decimal, as in x-oss-hash-crc64ecma. Computed on the first call; later updates are an error. */
  digestDecimal(): string;
}

/** Streaming CRC-64 over one byte sequence. */
export async function createCrc64(): Promise<Crc64Stream> {
  const hasher = (await createCRC64()).init();
  let result: string | undefined;
  return {
    update(chunk) {
      if (result !== undefined) throw new Error('createCrc64: update() after digest');
      hasher.update(chunk);
    },
    digestDecimal: () => (result ??= crcHexToDecimal(hasher.digest('hex'))),
  };
}
