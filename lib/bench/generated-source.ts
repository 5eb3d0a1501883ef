// The bench's data: seeded pseudo-random bytes generated in memory as the engine reads each
// range, so a benchmark needs no disk read and no temp file. Generating every byte with a PRNG
// costs ~0.5 CPU s/GiB here (a quarter of the MD5 the engine must do anyway, and it would count
// in the client's CPU figure), so a 4 MiB seeded pool is generated once and each 64 KiB block of
// the output is copied from it at an offset derived from the seed and the block's index, with
// the index stamped into its first bytes: ~0.03 s/GiB, like a read from the page cache. Every
// block differs, no compression window (deflate's 32 KiB, zstd's few MiB) sees a repeat within
// reach, and the same seed and range always give the same bytes (a retry re-reads its part).
import type { ByteSource } from '../hash/read-range.js';

const POOL_BYTES = 4 * 1024 * 1024;
const BLOCK_BYTES = 64 * 1024;
/** Bytes at the start of each block that carry its index (so no two blocks are equal). */
const STAMP_BYTES = 8;

/** `size` bytes of seeded data; the same seed gives the same bytes. */
export function generatedSource(size: number, seed: number): ByteSource {
  const pool = seededPool(seed);
  const stamp = Buffer.alloc(STAMP_BYTES);
  return {
    name: `generated data (${size} bytes, seed ${seed >>> 0})`,
    size,
    fill(start, end, into) {
      for (let position = start; position < end; ) {
        const block = Math.floor(position / BLOCK_BYTES);
        const within = position - block * BLOCK_BYTES;
        const length = Math.min(BLOCK_BYTES - within, end - position);
        const from = blockOffset(seed, block) + within;
        pool.copy(into, position - start, from, from + length);
        if (within < STAMP_BYTES) {
          stamp.writeUInt32LE(block >>> 0, 0);
          stamp.writeUInt32LE((Math.floor(block / 2 ** 32) ^ mix(seed)) >>> 0, 4);
          stamp.copy(into, position - start, within, Math.min(STAMP_BYTES, within + length));
        }
        position += length;
      }
    },
  };
}

/** Where block `block` is copied from: anywhere in the pool that leaves room for a whole block. */
function blockOffset(seed: number, block: number): number {
  return mix(seed ^ Math.imul(block, 0x9e3779b1) ^ Math.floor(block / 2 ** 32)) % (POOL_BYTES - BLOCK_BYTES);
}

/** murmur3's 32-bit finaliser: every input bit moves every output bit. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** xorshift32 words from the seed (a zero state would stay zero, so it is avoided). */
function seededPool(seed: number): Buffer {
  const words = new Uint32Array(POOL_BYTES / 4);
  let state = mix(seed) || 1;
  for (let i = 0; i < words.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[i] = state >>> 0;
  }
  return Buffer.from(words.buffer);
}
