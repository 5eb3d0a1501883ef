// Request bodies that can be replayed: each attempt opens its source afresh, so a retry
// re-reads the file range instead of keeping the bytes in memory.
import { createReadStream } from 'node:fs';
import { Readable, Transform, pipeline } from 'node:stream';
import type { BodySource } from '../api/types.js';

/** Read size for file ranges: large enough that per-chunk overhead is negligible, small enough to keep memory flat. */
const FILE_CHUNK = 512 * 1024;
/** Slice size when a buffer body is sent with progress reporting. */
const BUFFER_SLICE = 1024 * 1024;

export function bodyLength(source: BodySource | string): number {
  if (typeof source === 'string') return Buffer.byteLength(source);
  if (source instanceof Uint8Array) return source.byteLength;
  if ('file' in source) return source.end - source.start;
  return source.length;
}

/** A fresh body for one attempt. Buffers are sent as they are (in slices when progress is wanted); files and factories as streams. */
export function openBody(source: BodySource | string, onBytes?: (bytes: number) => void): Uint8Array | string | Readable | AsyncIterable<Uint8Array> {
  if (typeof source === 'string') {
    if (onBytes) queueMicrotask(() => onBytes(Buffer.byteLength(source)));
    return source;
  }
  if (source instanceof Uint8Array) return onBytes ? Readable.from(countedSlices(source, onBytes), { objectMode: false }) : source;
  // Straight to undici, which writes each chunk and waits for the socket to drain before it asks
  // for the next: what lets the source reuse a chunk's memory (see BodySource).
  if ('chunks' in source) return onBytes ? countedChunks(source.chunks(), onBytes) : source.chunks();
  let stream: Readable;
  if ('file' in source) {
    if (source.end === source.start) return Buffer.alloc(0);
    stream = createReadStream(source.file, { start: source.start, end: source.end - 1, highWaterMark: FILE_CHUNK });
  } else {
    stream = source.stream();
  }
  if (!onBytes) return stream;
  // pipeline() carries errors both ways: a failing file read fails the request, and an
  // aborted request closes the file.
  const counted = counting(onBytes);
  pipeline(stream, counted, () => {});
  return counted;
}

/**
 * A buffer handed to undici in slices (views, not copies), so progress follows the bytes as the
 * socket takes them instead of jumping by a whole part when the request starts.
 */
async function* countedSlices(buffer: Uint8Array, onBytes: (bytes: number) => void): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < buffer.byteLength; offset += BUFFER_SLICE) {
    const slice = buffer.subarray(offset, Math.min(offset + BUFFER_SLICE, buffer.byteLength));
    yield slice;
    onBytes(slice.byteLength);
  }
}

/** Counts a chunk once the socket has taken it: when the next one is asked for. */
async function* countedChunks(chunks: AsyncIterable<Uint8Array>, onBytes: (bytes: number) => void): AsyncIterable<Uint8Array> {
  for await (const chunk of chunks) {
    yield chunk;
    onBytes(chunk.byteLength);
  }
}

function counting(onBytes: (bytes: number) => void): Transform {
  return new Transform({
    highWaterMark: FILE_CHUNK,
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}
