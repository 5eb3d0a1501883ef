// PLACEHOLDER, to be replaced by simd-kernel's file: the interface of the multi-buffer MD5 with
// its scalar fallback only (four hash-wasm MD5 hashers, one per lane; `simd` is always false),
// so the engine can be written and tested against the interface before the SIMD kernel lands.
import type { IHasher } from 'hash-wasm';
import { createMD5 } from './wasm-builds.js';

export interface Md5Lanes {
  readonly width: number; // 4
  readonly simd: boolean;
  /** Feed the next chunk of each lane's message; undefined = lane idle this round. Any lengths; bytes are copied. */
  update(chunks: ReadonlyArray<Uint8Array | undefined>): void;
  /** Finish lane's message, return its 16-byte MD5, reset the lane. */
  digest(lane: number): Uint8Array;
  /** Drop lane's message (cancel / retry). */
  reset(lane: number): void;
}

const WIDTH = 4;

class ScalarMd5Lanes implements Md5Lanes {
  readonly width = WIDTH;
  readonly simd = false;
  readonly #hashers: IHasher[];

  constructor(hashers: IHasher[]) {
    this.#hashers = hashers;
  }

  update(chunks: ReadonlyArray<Uint8Array | undefined>): void {
    for (let lane = 0; lane < WIDTH; lane++) {
      const chunk = chunks[lane];
      if (chunk) this.#hashers[lane].update(chunk);
    }
  }

  digest(lane: number): Uint8Array {
    const digest = this.#hashers[lane].digest('binary');
    this.#hashers[lane].init();
    return digest;
  }

  reset(lane: number): void {
    this.#hashers[lane].init();
  }
}

export async function createMd5Lanes(_options?: { forceScalar?: boolean }): Promise<Md5Lanes> {
  const hashers = await Promise.all(Array.from({ length: WIDTH }, async () => (await createMD5()).init()));
  return new ScalarMd5Lanes(hashers);
}

export function simdSupported(): boolean {
  return false;
}
