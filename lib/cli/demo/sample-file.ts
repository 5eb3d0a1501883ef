// The demo's sample file: incompressible pseudo-random bytes from a seed, written block by block
// so memory stays flat whatever the size, and the same seed always gives the same file.
import { open } from 'node:fs/promises';

const BLOCK_BYTES = 4 * 1024 * 1024;

export async function writeSampleFile(path: string, size: number, seed = 0x9e3779b9): Promise<void> {
  const block = new Uint32Array(BLOCK_BYTES / 4);
  let state = seed >>> 0 || 1;
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; ) {
      // xorshift32: fast and good enough for bytes nobody inspects but the hashes.
      for (let i = 0; i < block.length; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        block[i] = state >>> 0;
      }
      const length = Math.min(BLOCK_BYTES, size - written);
      await handle.write(new Uint8Array(block.buffer, 0, length), 0, length, written);
      written += length;
    }
  } finally {
    await handle.close();
  }
}
