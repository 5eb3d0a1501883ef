// The reusable part buffers of one upload. A part up to MAX_BUFFERED_PART_SIZE is read once into
// one of them, hashed from memory and sent from it: no second read of the file and no per-chunk
// allocations for the garbage collector, so memory stays flat at parallel × part size.

/**
 * Largest part that is buffered. Up to here a buffer costs at most 16 MiB per part in flight
 * (64 MiB at the default parallelism of 4); larger parts (chosen by the caller, or grown for
 * files over ~78 GiB) are hashed and then streamed from the file, so a 1 TB file with 100 MiB
 * parts needs no more memory than a small one, at the price of reading the file twice.
 */
export const MAX_BUFFERED_PART_SIZE = 16 * 1024 * 1024;

/** Buffers of one size, allocated on first use and handed back for the next part. */
export class PartBufferPool {
  readonly #free: Buffer[] = [];

  constructor(readonly bufferSize: number) {}

  /** A pool for parts of at most `largestPart` bytes, or undefined when they are too large to buffer. */
  static forParts(largestPart: number): PartBufferPool | undefined {
    return largestPart <= MAX_BUFFERED_PART_SIZE ? new PartBufferPool(largestPart) : undefined;
  }

  /** A buffer owned by the caller until `release`. Its content is whatever the last user left. */
  acquire(): Buffer {
    // allocUnsafeSlow: not carved from Node's shared 8 KiB pool, and not zero-filled (every byte is read into before use).
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.bufferSize);
  }

  release(buffer: Buffer): void {
    this.#free.push(buffer);
  }
}
