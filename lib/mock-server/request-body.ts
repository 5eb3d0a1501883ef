// Reading a request body: chunk by chunk (never whole), through the shared bandwidth
// throttle, counted in the stats, optionally cut off after a byte limit, and given up with
// RequestTimeout when the client stops sending.
import type { IncomingMessage } from 'node:http';
import { requestTimeout } from './mock-error.js';
import { STALLED, withinStallTimeout } from './stall-timeout.js';
import type { BandwidthThrottle } from './throttle.js';

export interface RequestBodyOptions {
  throttle?: BandwidthThrottle | undefined;
  /** Counts every body byte read. */
  onBytes: (bytes: number) => void;
  /** Longest wait for the next body byte before RequestTimeout (0: forever). Time the server spends elsewhere does not count. */
  stallTimeoutMs?: number | undefined;
}

export class RequestBody {
  readonly #req: IncomingMessage;
  readonly #throttle: BandwidthThrottle | undefined;
  readonly #stallTimeoutMs: number;
  readonly #onBytes: Array<(bytes: number) => void> = [];
  #bytesRead = 0;
  #ended = false;
  #refused = false;
  #stalled = false;

  constructor(req: IncomingMessage, options: RequestBodyOptions) {
    this.#req = req;
    this.#throttle = options.throttle;
    this.#stallTimeoutMs = options.stallTimeoutMs ?? 0;
    this.#onBytes.push(options.onBytes);
  }

  /** Content-Length as declared; undefined when absent or malformed, or for a chunked body (the chunks override it). */
  get declaredLength(): number | undefined {
    if (this.isChunked) return undefined;
    const raw = this.#req.headers['content-length'];
    return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
  }

  get isChunked(): boolean {
    return this.#req.headers['transfer-encoding'] !== undefined;
  }

  /** True when the client sends (or may send) body bytes. */
  get hasBody(): boolean {
    return this.isChunked || (this.declaredLength ?? 0) > 0;
  }

  /** Every body byte was read. */
  get fullyRead(): boolean {
    return this.#ended || this.#req.readableEnded || !this.hasBody;
  }

  /** The server will not read the rest (a body cut off past its size limit): the connection closes after the answer. */
  get refused(): boolean {
    return this.#refused;
  }

  refuseRest(): void {
    this.#refused = true;
  }

  /** The client stopped sending the body for longer than the stall timeout (reading it then failed with RequestTimeout). */
  get stalled(): boolean {
    return this.#stalled;
  }

  get stallTimeoutMs(): number {
    return this.#stallTimeoutMs;
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Also report body bytes to `listener` (e.g. per-part counters). */
  onBytes(listener: (bytes: number) => void): void {
    this.#onBytes.push(listener);
  }

  /**
   * The body's chunks. With `limit`, stops after exactly that many bytes: the chunk that
   * crosses the limit is cut (its tail is dropped) and later chunks stay unread on the socket,
   * for the caller to drain or destroy. Throws RequestTimeout when no byte arrives within the
   * stall timeout; the rest of the body is then refused.
   */
  async *chunks(limit = Infinity): AsyncGenerator<Buffer> {
    if (limit <= 0) return;
    if (this.#stalled) throw requestTimeout();
    let remaining = limit;
    // destroyOnReturn: false: stopping early must not destroy the request (and with it the socket).
    const iterator = this.#req.iterator({ destroyOnReturn: false });
    // Set once the iterator needs no return(): it ended, failed, or has a read pending (return() would wait for it).
    let settled = false;
    try {
      for (;;) {
        const pending = iterator.next();
        let next: IteratorResult<unknown> | typeof STALLED;
        try {
          next = await withinStallTimeout(pending, this.#stallTimeoutMs);
        } catch (error) {
          settled = true;
          throw error;
        }
        if (next === STALLED) {
          // The pending read settles when the connection closes after the answer.
          pending.catch(() => undefined);
          settled = true;
          this.#stalled = true;
          this.refuseRest();
          throw requestTimeout();
        }
        if (next.done) {
          settled = true;
          break;
        }
        let chunk = next.value as Buffer;
        if (chunk.length > remaining) chunk = chunk.subarray(0, remaining);
        if (this.#throttle) await this.#throttle.consume(chunk.length);
        this.#bytesRead += chunk.length;
        for (const listener of this.#onBytes) listener(chunk.length);
        remaining -= chunk.length;
        yield chunk;
        if (remaining <= 0) return;
      }
    } finally {
      if (!settled) await iterator.return?.();
    }
    this.#ended = true;
  }

  /** The whole body as a buffer, for small XML documents; undefined if it exceeds `maxBytes`. */
  async readSmall(maxBytes: number): Promise<Buffer | undefined> {
    const parts: Buffer[] = [];
    let total = 0;
    for await (const chunk of this.chunks(maxBytes + 1)) {
      total += chunk.length;
      if (total > maxBytes) return undefined;
      parts.push(chunk);
    }
    return Buffer.concat(parts);
  }
}
