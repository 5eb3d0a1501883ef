// The parallel part sender: `parallel` workers take pending parts in order, each reading and
// hashing a part into its own reusable buffer and then sending it, and record every finished part.
import { setMaxListeners } from 'node:events';
import type { RangeReadable } from '../hash/read-range.js';
import { isRetryable } from '../transport/retry.js';
import type { Checkpoint } from './checkpoint.js';
import type { PartBufferPool } from './part-buffers.js';
import { preparePart, reusablePart, uploadPreparedPart, type PartTarget } from './part-uploader.js';
import type { Session } from './session.js';

/** Abort listeners one part in flight may hold on the upload's signal at once. */
const LISTENERS_PER_PART = 3;

export interface SendPartsOptions {
  target: PartTarget;
  /** The file, open for the buffered reads, or its path; or the ByteSource to read parts from. */
  file: RangeReadable;
  /** One reusable buffer per worker; undefined when the parts are too large to buffer. */
  buffers: PartBufferPool | undefined;
  parallel: number;
  localCrc64: boolean;
  /** The upload's stop signal (cancel, pause, the caller's signal). */
  signal: AbortSignal;
  /** The checkpoint to write after a part finished. */
  snapshot: () => Checkpoint;
  /** Tells the caller about decisions (a part on the server that is not the file's bytes). */
  note: (message: string) => void;
}

/**
 * Sends the session's pending parts. A transient failure (network, 5xx: retried by the transport
 * and still failing) lets the parts in flight finish; any other (auth, checksum, NoSuchUpload,
 * file, checkpoint write) stops them all at once. Throws the first failure; what was not started
 * stays in `session.pending`.
 */
export async function sendParts(session: Session, options: SendPartsOptions): Promise<void> {
  const { target, file, buffers, snapshot } = options;
  const workers = new AbortController();
  const signal = AbortSignal.any([options.signal, workers.signal]);
  // Every part in flight listens to it (request, retry backoff): not a leak.
  setMaxListeners(LISTENERS_PER_PART * options.parallel + 10, signal);
  let failure: unknown;
  const fail = (error: unknown, stopAll: boolean): void => {
    failure ??= error;
    if (stopAll) workers.abort(error);
  };
  session.writer?.onFailure((error) => fail(error, true));
  const queue = [...session.pending];
  const work = async (): Promise<void> => {
    // Each worker reads its parts into one buffer; with parallel >= 2 one worker's reading and
    // hashing overlaps the others' sends. Hashing ahead into a spare buffer was measured to gain
    // nothing (bench, verifying server) for one more part of memory.
    const buffer = buffers?.acquire();
    try {
      for (let part = queue.shift(); part && failure === undefined && !signal.aborted; part = queue.shift()) {
        try {
          const prepared = await preparePart(file, part, buffer, options.localCrc64, signal);
          const onServer = session.onServer.get(part.partNumber);
          // A part an earlier run left is kept only if it holds the bytes just read; its size
          // already counts as done in the progress, so only a rejected one changes it.
          const reused = onServer && (await reusablePart(part, prepared, onServer, signal));
          if (reused) {
            session.done.set(part.partNumber, reused);
            session.partsReused++;
          } else {
            if (onServer) {
              session.onServer.delete(part.partNumber);
              target.progress.withdraw(part.size);
              options.note(`Part ${part.partNumber} on the server differs from the file as it is now (changed since it was sent); sending it again`);
            }
            session.done.set(part.partNumber, await uploadPreparedPart(target, part, prepared, signal));
            session.bytesSent += part.size;
            target.progress.confirm(part.partNumber, part.size);
          }
          session.writer?.schedule(snapshot);
        } catch (error) {
          target.progress.reset(part.partNumber);
          fail(error, !isRetryable(error));
        }
      }
    } finally {
      // Only after the part's request settled: a buffer is never refilled while a socket may still send it.
      if (buffer) buffers!.release(buffer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, queue.length) }, work));
  session.pending = queue;
  if (failure !== undefined) throw failure;
}
