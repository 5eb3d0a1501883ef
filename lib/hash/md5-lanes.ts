// Multi-buffer MD5: up to 4 independent messages (parts) hashed in lockstep by the SIMD128 kernel
// of ./simd/md5x4.c: with all 4 lanes busy, about half the CPU per byte of one hash-wasm MD5
// (0.98 against 2.06 core-s/GiB on the bench machine, bench/md5.mjs; 3 busy lanes 1.27, 2 busy
// 1.89, a lone lane runs the kernel's scalar code, 1.74). On a runtime without WebAssembly SIMD,
// or when forced off (`forceScalar`, or OSS_RESUMABLE_NO_SIMD=1 for the whole process), the same
// interface runs 4 scalar hash-wasm MD5s.
import { readFileSync } from 'node:fs';
import type { IHasher } from 'hash-wasm';
import { createMD5 } from './wasm-builds.js';

/** Hashes up to 4 independent messages in lockstep; lanes are numbered 0..width-1. */
export interface Md5Lanes {
  readonly width: number; // 4
  readonly simd: boolean; // true when the SIMD128 kernel is in use
  /** Feed the next chunk of each lane's message; undefined (or a missing entry) = lane idle this round.
   *  Chunks may have different lengths, any length; bytes are copied, the caller may reuse its buffers at once. */
  update(chunks: ReadonlyArray<Uint8Array | undefined>): void;
  /** Finish lane's message, return its 16-byte MD5 digest, and reset the lane for a new message. */
  digest(lane: number): Uint8Array;
  /** Drop lane's message without finishing it (cancel / retry). */
  reset(lane: number): void;
}

const WIDTH = 4;
/** Set to anything but '' or '0', the whole process hashes with the scalar fallback. */
export const NO_SIMD_ENV = 'OSS_RESUMABLE_NO_SIMD';

// The few WebAssembly calls used here (lib ES2022 and @types/node 20 do not declare them).
interface WasmModule {
  readonly kind?: 'module';
}
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule): Promise<{ exports: unknown }>;
};

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  lane_data(lane: number): number;
  lane_state(lane: number): number;
  slice_bytes(): number;
  lane_reset(lane: number): void;
  lanes_run(blocks0: number, blocks1: number, blocks2: number, blocks3: number): void;
}

let kernelBytes: Uint8Array | undefined;
let supported: boolean | undefined;
let kernelModule: Promise<WasmModule> | undefined;

/** The committed build of ./simd/md5x4.c (copied beside the compiled module by `npm run build`). */
function kernel(): Uint8Array {
  return (kernelBytes ??= readFileSync(new URL('./simd/md5x4.wasm', import.meta.url)));
}

/** Whether this runtime's WebAssembly accepts the SIMD128 kernel. */
export function simdSupported(): boolean {
  return (supported ??= WebAssembly.validate(kernel()));
}

function forcedOff(): boolean {
  const value = process.env[NO_SIMD_ENV];
  return value !== undefined && value !== '' && value !== '0';
}

/** SIMD128 kernel when WebAssembly.validate accepts it (and not forced off), else 4 scalar hash-wasm MD5s. */
export async function createMd5Lanes(options?: { forceScalar?: boolean }): Promise<Md5Lanes> {
  if (options?.forceScalar === true || forcedOff() || !simdSupported()) return ScalarLanes.create();
  kernelModule ??= WebAssembly.compile(kernel());
  const instance = await WebAssembly.instantiate(await kernelModule);
  return new SimdLanes(instance.exports as unknown as KernelExports);
}

function checkLane(lane: number): void {
  if (!Number.isInteger(lane) || lane < 0 || lane >= WIDTH) throw new RangeError(`lane ${lane} is not in 0..${WIDTH - 1}`);
}

function checkChunks(chunks: ReadonlyArray<Uint8Array | undefined>): void {
  if (chunks.length > WIDTH) throw new RangeError(`${chunks.length} chunks for ${WIDTH} lanes`);
}

/**
 * The kernel's lanes. Each lane's bytes are copied into its buffer in wasm memory, at most one
 * slice (256 KiB, the kernel's slice_bytes) per pass after the partial block carried from the
 * last pass, so memory stays at the kernel's fixed ~1 MiB whatever the chunk sizes (a slice
 * copied is still in the CPU's cache when it is hashed). Whole blocks are hashed (4 at a time
 * where several lanes have them), the partial block is moved to the front for the next pass.
 */
class SimdLanes implements Md5Lanes {
  readonly width = WIDTH;
  readonly simd = true;
  readonly #kernel: KernelExports;
  readonly #heap: Uint8Array;
  readonly #view: DataView;
  readonly #slice: number;
  readonly #data: number[] = [];
  readonly #state: number[] = [];
  /** Bytes of the lane's partial block waiting at the front of its buffer (0..63). */
  readonly #carried: number[] = [];
  /** Bytes of the lane's message so far. */
  readonly #length: number[] = [];

  constructor(kernelExports: KernelExports) {
    this.#kernel = kernelExports;
    this.#heap = new Uint8Array(kernelExports.memory.buffer);
    this.#view = new DataView(kernelExports.memory.buffer);
    this.#slice = kernelExports.slice_bytes();
    for (let lane = 0; lane < WIDTH; lane++) {
      this.#data.push(kernelExports.lane_data(lane));
      this.#state.push(kernelExports.lane_state(lane));
      this.#carried.push(0);
      this.#length.push(0);
      kernelExports.lane_reset(lane);
    }
  }

  update(chunks: ReadonlyArray<Uint8Array | undefined>): void {
    checkChunks(chunks);
    const done = [0, 0, 0, 0];
    const blocks = [0, 0, 0, 0];
    for (let more = true; more; ) {
      more = false;
      for (let lane = 0; lane < WIDTH; lane++) {
        const chunk = chunks[lane];
        blocks[lane] = 0;
        if (chunk === undefined || done[lane] === chunk.length) continue;
        const take = Math.min(this.#slice, chunk.length - done[lane]);
        this.#heap.set(chunk.subarray(done[lane], done[lane] + take), this.#data[lane] + this.#carried[lane]);
        done[lane] += take;
        this.#length[lane] += take;
        const held = this.#carried[lane] + take;
        blocks[lane] = held >>> 6;
        this.#carried[lane] = held & 63;
        if (done[lane] < chunk.length) more = true;
      }
      this.#kernel.lanes_run(blocks[0], blocks[1], blocks[2], blocks[3]);
      for (let lane = 0; lane < WIDTH; lane++) {
        if (blocks[lane] === 0 || this.#carried[lane] === 0) continue;
        const from = this.#data[lane] + blocks[lane] * 64;
        this.#heap.copyWithin(this.#data[lane], from, from + this.#carried[lane]);
      }
    }
  }

  digest(lane: number): Uint8Array {
    checkLane(lane);
    // MD5 padding: 0x80, zeros up to 56 mod 64, then the length in bits, 64-bit little-endian.
    const start = this.#data[lane];
    const carried = this.#carried[lane];
    const end = carried < 56 ? 64 : 128;
    this.#heap[start + carried] = 0x80;
    this.#heap.fill(0, start + carried + 1, start + end - 8);
    const length = this.#length[lane];
    this.#view.setUint32(start + end - 8, (length * 8) >>> 0, true);
    this.#view.setUint32(start + end - 4, Math.floor(length / 0x20000000), true);
    const blocks = [0, 0, 0, 0];
    blocks[lane] = end / 64;
    this.#kernel.lanes_run(blocks[0], blocks[1], blocks[2], blocks[3]);
    const digest = this.#heap.slice(this.#state[lane], this.#state[lane] + 16);
    this.reset(lane);
    return digest;
  }

  reset(lane: number): void {
    checkLane(lane);
    this.#kernel.lane_reset(lane);
    this.#carried[lane] = 0;
    this.#length[lane] = 0;
  }
}

/** The fallback: one hash-wasm MD5 per lane. */
class ScalarLanes implements Md5Lanes {
  readonly width = WIDTH;
  readonly simd = false;
  readonly #hashers: IHasher[];

  private constructor(hashers: IHasher[]) {
    this.#hashers = hashers;
  }

  static async create(): Promise<ScalarLanes> {
    const hashers = await Promise.all(Array.from({ length: WIDTH }, () => createMD5()));
    return new ScalarLanes(hashers.map((hasher) => hasher.init()));
  }

  update(chunks: ReadonlyArray<Uint8Array | undefined>): void {
    checkChunks(chunks);
    chunks.forEach((chunk, lane) => {
      if (chunk !== undefined) this.#hashers[lane].update(chunk);
    });
  }

  digest(lane: number): Uint8Array {
    checkLane(lane);
    const digest = this.#hashers[lane].digest('binary');
    this.#hashers[lane].init();
    return digest;
  }

  reset(lane: number): void {
    checkLane(lane);
    this.#hashers[lane].init();
  }
}
