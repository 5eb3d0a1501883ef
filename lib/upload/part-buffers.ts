// The memory an upload holds for file bytes. A multipart upload holds read windows only: the
// reader's, which hashes parts ahead (hash-ahead.ts), and every sender's (part-body.ts), 1 MiB
// each at most, whatever the part size, so parts in flight cost little and memory stays flat.
// A single PutObject reads its one part (the whole file, up to MAX_BUFFERED_PART_SIZE) into a
// buffer, hashes it from memory and sends that buffer.
import { hashAheadBytes } from './hash-ahead.js';
import { senderBytes } from './part-body.js';
import type { PartPlan } from './plan.js';

/**
 * Largest single PutObject that is buffered whole. A larger one (a `partSize` above it, so the
 * file fits one part) is hashed by streaming its file range and then streamed again.
 */
export const MAX_BUFFERED_PART_SIZE = 16 * 1024 * 1024;

/** Bytes of read windows a multipart upload of `plan` holds with `parallel` senders and an MD5 of `width` lanes. */
export function multipartBufferBytes(plan: PartPlan, parallel: number, width: number): number {
  const parts = plan.parts.length;
  return hashAheadBytes(width, parts, plan.partSize) + Math.min(parallel, parts) * senderBytes(plan.partSize);
}

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
