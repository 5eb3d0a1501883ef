// Deterministic test data, so a failure reproduces from its seed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** xorshift32: deterministic bytes for a seed. */
export function seededBytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Deterministic numbers in [0, 1) for a seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes `length` seeded bytes to `dir/name` and returns the path with the bytes. */
export function seededFile(dir: string, name: string, length: number, seed: number): { path: string; data: Buffer } {
  const data = seededBytes(length, seed);
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path, data };
}
