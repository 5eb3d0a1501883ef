// Reading a request body: chunk by chunk (never whole), through the shared bandwidth
// throttle, counted in the stats, optionally cut off after a byte limit.
import type { IncomingMessage } from 'node:http';
import type { BandwidthThrottle } from './throttle.js';

export class RequestBody {
  readonly #req: IncomingMessage;
  readonly #throttle: BandwidthThrottle | undefined;
  readonly #onBytes: Array<(bytes: number) => void> = [];
  #bytesRead = 0;
  #ended = false;
  #refused = false;

  constructor(req: IncomingMessage, throttle: BandwidthThrottle | undefined, onBytes: (bytes: number) => void) {
    this.#req = req;
    this.#throttle = throttle;
    this.#onBytes.push(onBytes);
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
   * for the caller to drain or destroy.
   */
  async *chunks(limit = Infinity): AsyncGenerator<Buffer> {
    if (limit <= 0) return;
    let remaining = limit;
    // destroyOnReturn: false: stopping early must not destroy the request (and with it the socket).
    for await (const data of this.#req.iterator({ destroyOnReturn: false })) {
      let chunk = data as Buffer;
      if (chunk.length > remaining) chunk = chunk.subarray(0, remaining);
      if (this.#throttle) await this.#throttle.consume(chunk.length);
      this.#bytesRead += chunk.length;
      for (const listener of this.#onBytes) listener(chunk.length);
      remaining -= chunk.length;
      yield chunk;
      if (remaining <= 0) return;
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
