// Request bodies that can be replayed: each attempt opens its source afresh, so a retry
// re-reads the file range instead of keeping the bytes in memory.
import { createReadStream } from 'node:fs';
import { Transform, pipeline, type Readable } from 'node:stream';
import type { BodySource } from '../api/types.js';

/** Read size for file ranges: large enough that per-chunk overhead is negligible, small enough to keep memory flat. */
const FILE_CHUNK = 512 * 1024;

export function bodyLength(source: BodySource | string): number {
  if (typeof source === 'string') return Buffer.byteLength(source);
  if (source instanceof Uint8Array) return source.byteLength;
  if ('file' in source) return source.end - source.start;
  return source.length;
}

/** A fresh body for one attempt. Buffers are sent as they are; files and factories as streams. */
export function openBody(source: BodySource | string, onBytes?: (bytes: number) => void): Uint8Array | string | Readable {
  if (typeof source === 'string' || source instanceof Uint8Array) {
    if (onBytes) {
      const length = bodyLength(source);
      // undici writes a buffer in one go; report it as sent when it is handed over.
      queueMicrotask(() => onBytes(length));
    }
    return source;
  }
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

function counting(onBytes: (bytes: number) => void): Transform {
  return new Transform({
    highWaterMark: FILE_CHUNK,
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}
