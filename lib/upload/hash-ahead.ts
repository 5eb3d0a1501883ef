// Hashing ahead of the senders: the next parts are read 1 MiB at a time, round robin, and hashed
// in lockstep by the multi-buffer MD5 (one part per lane), so a sender is handed a part whose
// Content-MD5 is already known and never waits for hashing. Only the digests are kept: a sender
// reads its part again as it sends it (part-body.ts), from the page cache, so parts hashed ahead
// cost no memory. Holding them instead would take a part buffer for every part being hashed
// besides every part being sent, twice the memory of the senders alone (bench/README.md).
import { crcHexToDecimal } from '../hash/crc64.js';
import type { Md5Lanes } from '../hash/md5-lanes.js';
import { readFileRange, type RangeReadable } from '../hash/read-range.js';
import { createCRC64 } from '../hash/wasm-builds.js';
import type { IHasher } from 'hash-wasm';
import { OssCancelledError } from '../errors.js';
import type { PlannedPart } from './plan.js';

/** What the reader reads per part per round, and a sender sends per chunk. */
export const CHUNK_BYTES = 1024 * 1024;

/** A part whose digests are known. */
export interface HashedPart {
  part: PlannedPart;
  /** Base64 MD5: the Content-MD5 to send. */
  md5: string;
  /** Unsigned decimal CRC-64/ECMA, when asked for. */
  crc64: string | undefined;
}

export interface HashAheadOptions {
  file: RangeReadable;
  /** In the order they should be handed out. */
  parts: PlannedPart[];
  lanes: Md5Lanes;
  /**
   * The next group of parts is started once no more than this many hashed parts wait for a
   * sender: enough work for the senders while the group is hashed.
   */
  ahead: number;
  crc64: boolean;
  signal: AbortSignal;
}

/** Bytes of read windows the reader holds for parts of `partSize`: one chunk per lane. */
export function hashAheadBytes(width: number, partCount: number, partSize: number): number {
  return Math.min(width, partCount) * Math.min(CHUNK_BYTES, partSize);
}

export class HashAhead {
  readonly #options: HashAheadOptions;
  /** Parts not read yet, in order. */
  readonly #queue: PlannedPart[];
  /** The group in the lanes: parts being read and hashed. */
  #inLanes: PlannedPart[] = [];
  readonly #ready: HashedPart[] = [];
  readonly #takers: Array<{ resolve: (part: HashedPart | undefined) => void; reject: (error: unknown) => void }> = [];
  readonly #stopper = new AbortController();
  readonly #signal: AbortSignal;
  readonly #loop: Promise<void>;
  /** Wakes the reader when a hashed part was taken, or on stop. */
  #taken: (() => void) | undefined;
  #failure: unknown;
  #finished = false;
  /** One read window per lane, allocated once. */
  readonly #windows: Buffer[];
  /** One CRC-64 hasher per lane, with `crc64`. */
  #crcs: IHasher[] | undefined;

  constructor(options: HashAheadOptions) {
    this.#options = options;
    this.#queue = [...options.parts];
    this.#signal = AbortSignal.any([options.signal, this.#stopper.signal]);
    const width = Math.min(options.lanes.width, options.parts.length);
    const largest = options.parts.reduce((most, part) => Math.max(most, part.size), 1);
    const windowSize = Math.min(CHUNK_BYTES, largest);
    // allocUnsafeSlow: not carved from Node's shared pool, and not zero-filled (every byte is read into before use).
    this.#windows = Array.from({ length: width }, () => Buffer.allocUnsafeSlow(windowSize));
    this.#loop = this.#run();
  }

  /** The next hashed part; undefined once every part was handed out. Rejects once the reader failed (file error, cancel). */
  take(): Promise<HashedPart | undefined> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const next = this.#ready.shift();
    if (next) {
      this.#wakeReader();
      return Promise.resolve(next);
    }
    if (this.#finished) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => this.#takers.push({ resolve, reject }));
  }

  /** The parts not handed out yet (hashed or not), in order. */
  get remaining(): PlannedPart[] {
    return [...this.#ready.map((hashed) => hashed.part), ...this.#inLanes, ...this.#queue];
  }

  /** Stops reading; resolves once no read of the reader is in flight (the file may then be closed). */
  async stop(): Promise<void> {
    this.#stopper.abort();
    this.#wakeReader();
    await this.#loop;
  }

  #wakeReader(): void {
    const wake = this.#taken;
    this.#taken = undefined;
    wake?.();
  }

  async #run(): Promise<void> {
    const { lanes, ahead } = this.#options;
    try {
      if (this.#options.crc64) this.#crcs = await Promise.all(this.#windows.map(async () => await createCRC64()));
      while (this.#queue.length > 0) {
        while (this.#ready.length > ahead && !this.#signal.aborted) await new Promise<void>((resolve) => (this.#taken = resolve));
        this.#signal.throwIfAborted();
        await this.#hashGroup(this.#queue.splice(0, lanes.width));
      }
      this.#finished = true;
      for (const taker of this.#takers.splice(0)) taker.resolve(undefined);
    } catch (error) {
      this.#failure = this.#signal.aborted && !this.#options.signal.aborted ? new OssCancelledError('Hashing ahead was stopped') : error;
      for (const taker of this.#takers.splice(0)) taker.reject(this.#failure);
    }
  }

  /**
   * Hashes `group` (at most one part per lane) in lockstep, a chunk of each per round; each part is
   * handed out as soon as its last chunk is hashed. The reads of a round run together on libuv's
   * threads; reading and hashing one after the other is still several times faster than the parts
   * are sent, so a second set of windows to read the next round meanwhile would only cost memory.
   */
  async #hashGroup(group: PlannedPart[]): Promise<void> {
    const { lanes, file } = this.#options;
    this.#inLanes = [...group];
    const windows = this.#windows;
    const windowSize = windows[0].length;
    const crcs = this.#crcs;
    crcs?.forEach((crc) => crc.init());
    const offsets = group.map((part) => part.start);
    const handedOut = group.map(() => false);
    try {
      do {
        const chunks = await settledAll(
          group.map((part, lane) => {
            const start = offsets[lane];
            if (start >= part.end) return Promise.resolve(undefined);
            return readFileRange(file, start, Math.min(part.end, start + windowSize), windows[lane], this.#signal);
          }),
        );
        chunks.forEach((chunk, lane) => (offsets[lane] += chunk?.byteLength ?? 0));
        lanes.update(padded(chunks, lanes.width));
        chunks.forEach((chunk, lane) => chunk && crcs?.[lane].update(chunk));
        group.forEach((part, lane) => {
          if (handedOut[lane] || offsets[lane] < part.end) return;
          handedOut[lane] = true;
          const md5 = Buffer.from(lanes.digest(lane)).toString('base64');
          this.#handOut({ part, md5, crc64: crcs ? crcHexToDecimal(crcs[lane].digest('hex')) : undefined });
        });
      } while (handedOut.includes(false));
    } finally {
      group.forEach((_, lane) => !handedOut[lane] && lanes.reset(lane));
    }
  }

  #handOut(hashed: HashedPart): void {
    this.#inLanes.splice(this.#inLanes.indexOf(hashed.part), 1);
    const taker = this.#takers.shift();
    if (taker) taker.resolve(hashed);
    else this.#ready.push(hashed);
  }
}

/** All of `promises`, or the first failure once every one has settled (none left running). */
async function settledAll<T>(promises: Array<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

function padded(chunks: Array<Uint8Array | undefined>, width: number): Array<Uint8Array | undefined> {
  return chunks.length === width ? chunks : [...chunks, ...Array<undefined>(width - chunks.length).fill(undefined)];
}
