// A hashed part's body as a sender sends it: its bytes read from the file again, one chunk at a
// time, through two windows the sender keeps for all its parts (the next chunk is read while the
// last one is on its way to the socket). The server checks them against the Content-MD5 sent, so
// a file that changed since it was hashed cannot get other bytes into the part. A retry (a second
// attempt of the same request) reads through windows of its own and checks the bytes against the
// digest before the last one leaves, so a changed file fails here, with a message that says so.
import { OssInvalidArgumentError } from '../errors.js';
import { createMd5 } from '../hash/md5.js';
import { nameOf, readFileRange, type RangeReadable } from '../hash/read-range.js';
import type { BodySource } from '../api/types.js';
import { CHUNK_BYTES, type HashedPart } from './hash-ahead.js';

/** Bytes a sender holds for parts of `partSize`. */
export function senderBytes(partSize: number): number {
  return 2 * Math.min(CHUNK_BYTES, partSize);
}

/** A sender's two windows, lent to one body at a time. */
export class SendWindows {
  readonly #windows: [Buffer, Buffer];
  /** Settles once the last body lent the windows can no longer read into them. */
  #idle: Promise<void> = Promise.resolve();

  constructor(partSize: number) {
    const size = senderBytes(partSize) / 2;
    this.#windows = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
  }

  /**
   * Chunks of `hashed` read into the windows, and `drop`, to call once the request that had them
   * settled. A body waits for the one before to be closed (undici closes a body it started once
   * it takes nothing more from it) or dropped unstarted, so a window is never refilled while a
   * socket may still send it or another body may still read into it.
   */
  lend(file: RangeReadable, hashed: HashedPart, signal: AbortSignal, onSent?: (bytes: number) => void): { chunks: AsyncIterable<Uint8Array>; drop: () => void } {
    const previous = this.#idle;
    let idle!: () => void;
    this.#idle = new Promise((resolve) => (idle = resolve));
    const lease: { state: 'lent' | 'started' | 'dropped' } = { state: 'lent' };
    const windows = this.#windows;
    // A generator's body runs at its first next(): never, for a request that failed before its body.
    const chunks = (async function* lent(): AsyncGenerator<Uint8Array> {
      if (lease.state === 'dropped') return;
      lease.state = 'started';
      try {
        await previous;
        yield* readChunks(file, hashed, windows, signal, undefined, onSent);
      } finally {
        idle();
      }
    })();
    const drop = (): void => {
      if (lease.state !== 'lent') return;
      lease.state = 'dropped';
      idle();
    };
    return { chunks, drop };
  }
}

/** A part's body for UploadPart, and what to call once the request settled. */
export interface PartBody {
  source: BodySource;
  release: () => void;
}

/**
 * The body of `hashed`: the first attempt through `windows` (`onSent` told of every chunk the
 * socket took), any later one through windows of its own, checked against the digest.
 */
export function partBody(file: RangeReadable, hashed: HashedPart, windows: SendWindows, signal: AbortSignal, onSent?: (bytes: number) => void): PartBody {
  if (hashed.part.size === 0) return { source: new Uint8Array(0), release: () => {} }; // the one part of an empty file
  let first: { chunks: AsyncIterable<Uint8Array>; drop: () => void } | undefined;
  const source: BodySource = {
    length: hashed.part.size,
    chunks: () => {
      if (!first) return (first = windows.lend(file, hashed, signal, onSent)).chunks;
      const size = senderBytes(hashed.part.size) / 2;
      return readChunks(file, hashed, [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)], signal, hashed.md5);
    },
  };
  return { source, release: () => first?.drop() };
}

/**
 * The part's bytes, chunk by chunk, alternating between the two windows. With `expectedMd5`,
 * they are hashed on the way and the last chunk is given only if the MD5 is the expected one.
 */
async function* readChunks(
  file: RangeReadable,
  hashed: HashedPart,
  windows: [Buffer, Buffer],
  signal: AbortSignal,
  expectedMd5: string | undefined,
  onSent?: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  const { part } = hashed;
  const size = windows[0].length;
  const md5 = expectedMd5 === undefined ? undefined : await createMd5();
  const read = (index: number): Promise<Buffer> => {
    const start = part.start + index * size;
    return readFileRange(file, start, Math.min(part.end, start + size), windows[index % 2], signal);
  };
  const count = Math.ceil(part.size / size);
  let next: Promise<Buffer> | undefined = count > 0 ? read(0) : undefined;
  try {
    for (let index = 0; next; index++) {
      const chunk = await next;
      // The other window's chunk was taken by the socket when this one was asked for.
      next = index + 1 < count ? read(index + 1) : undefined;
      md5?.update(chunk);
      if (md5 && !next && md5.digestBase64() !== expectedMd5) {
        throw new OssInvalidArgumentError(
          'file',
          `${nameOf(file)} changed during the upload: bytes ${part.start}..${part.end} (part ${part.partNumber}) no longer have the MD5 they had when they were hashed`,
        );
      }
      yield chunk;
      onSent?.(chunk.byteLength);
    }
  } finally {
    // Never leave a read in flight into a window that another body may use next.
    await next?.catch(() => {});
  }
}
