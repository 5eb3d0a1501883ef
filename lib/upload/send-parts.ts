// The parallel part sender: a reader hashes the pending parts ahead, in lockstep through the
// multi-buffer MD5 (hash-ahead.ts), and `parallel` senders take the hashed parts in order, each
// sending its part's bytes read again from the file (part-body.ts), and record every finished part.
//
// The senders start one after another, each once the one before has sent 1/parallel of its first
// part. Parts started together on a shared link progress alike, finish together and then all wait
// a round trip for their answers at the same time, the link idle meanwhile: 0.82 of a 150 ms,
// 48 MiB/s link with 4 parts of 8 MiB. Started apart they stay apart, and while one waits for its
// answer the others send (bench/README.md).
import { setMaxListeners } from 'node:events';
import type { Md5Lanes } from '../hash/md5-lanes.js';
import type { RangeReadable } from '../hash/read-range.js';
import { isRetryable } from '../transport/retry.js';
import type { Checkpoint } from './checkpoint.js';
import { HashAhead } from './hash-ahead.js';
import { partBody, SendWindows } from './part-body.js';
import { hashedDigests, reusablePart, uploadPreparedPart, type PartTarget } from './part-uploader.js';
import type { Session } from './session.js';

/** Abort listeners one part in flight may hold on the upload's signal at once. */
const LISTENERS_PER_PART = 3;

export interface SendPartsOptions {
  target: PartTarget;
  /** The file, open for the reads, or the ByteSource to read parts from. */
  file: RangeReadable;
  /** The multi-buffer MD5 the parts are hashed with. */
  lanes: Md5Lanes;
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
 * file, checkpoint write) stops them all at once. Throws the first failure; what was not done
 * stays in `session.pending`.
 */
export async function sendParts(session: Session, options: SendPartsOptions): Promise<void> {
  const { target, file, snapshot } = options;
  const workers = new AbortController();
  const signal = AbortSignal.any([options.signal, workers.signal]);
  // Every part in flight listens to it (request, retry backoff, reads): not a leak.
  setMaxListeners(LISTENERS_PER_PART * options.parallel + 10, signal);
  let failure: unknown;
  const fail = (error: unknown, stopAll: boolean): void => {
    failure ??= error;
    if (stopAll) workers.abort(error);
  };
  session.writer?.onFailure((error) => fail(error, true));
  const pending = session.pending;
  // Hashed parts waiting for a sender before the next group is hashed: one per sender.
  const hashing = new HashAhead({ file, parts: pending, lanes: options.lanes, ahead: options.parallel, crc64: options.localCrc64, signal });
  const partSize = pending.reduce((largest, part) => Math.max(largest, part.size), 1);
  const senders = Math.min(options.parallel, pending.length);
  const starts = staggeredStarts(senders, Math.ceil(partSize / senders));
  const work = async (sender: number): Promise<void> => {
    const windows = new SendWindows(partSize);
    await starts.turn(sender, signal);
    let onSent: ((bytes: number) => void) | undefined = starts.progress(sender);
    while (failure === undefined && !signal.aborted) {
      let hashed;
      try {
        hashed = await hashing.take();
      } catch (error) {
        fail(error, true); // the file could not be read, or the upload stops
        return;
      }
      if (!hashed) return;
      const { part } = hashed;
      try {
        const onServer = session.onServer.get(part.partNumber);
        // A part an earlier run left is kept only if it holds the bytes just hashed; its size
        // already counts as done in the progress, so only a rejected one changes it.
        const digests = hashedDigests(hashed, file);
        const reused = onServer && (await reusablePart(part, digests, onServer, signal));
        if (reused) {
          session.done.set(part.partNumber, reused);
          session.partsReused++;
        } else {
          if (onServer) {
            session.onServer.delete(part.partNumber);
            target.progress.withdraw(part.size);
            options.note(`Part ${part.partNumber} on the server differs from the file as it is now (changed since it was sent); sending it again`);
          }
          const body = partBody(file, hashed, windows, signal, onSent);
          onSent = undefined; // only a sender's first part staggers the next sender
          try {
            session.done.set(part.partNumber, await uploadPreparedPart(target, part, { ...digests, body: body.source }, signal));
          } finally {
            body.release();
          }
          session.bytesSent += part.size;
          target.progress.confirm(part.partNumber, part.size);
        }
        session.writer?.schedule(snapshot);
      } catch (error) {
        target.progress.reset(part.partNumber);
        fail(error, !isRetryable(error));
      }
      starts.release(sender + 1); // done with its first part, however it went
    }
  };
  try {
    await Promise.all(Array.from({ length: senders }, (_, sender) => work(sender).finally(() => starts.release(sender + 1))));
  } finally {
    await hashing.stop();
  }
  session.pending = pending.filter((part) => !session.done.has(part.partNumber));
  if (failure !== undefined) throw failure;
}

/**
 * When each sender may start: sender 0 at once, sender k once sender k-1 has sent `share` bytes of
 * its first part, or is done with it, or has ended.
 */
function staggeredStarts(senders: number, share: number) {
  const gates = Array.from({ length: senders }, (_, sender) => {
    let open!: () => void;
    const opened = sender === 0 ? Promise.resolve() : new Promise<void>((resolve) => (open = resolve));
    return { opened, open: () => open?.() };
  });
  const release = (sender: number): void => gates[sender]?.open();
  return {
    release,
    /** Waits for `sender`'s turn (not past a stop). */
    async turn(sender: number, signal: AbortSignal): Promise<void> {
      if (signal.aborted) return;
      let onAbort!: () => void;
      const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', (onAbort = () => resolve()), { once: true }));
      await Promise.race([gates[sender].opened, stopped]);
      signal.removeEventListener('abort', onAbort);
    },
    /** Counts what `sender`'s first part has sent and lets the next sender start at its share. */
    progress(sender: number): (bytes: number) => void {
      let sent = 0;
      return (bytes) => {
        sent += bytes;
        if (sent >= share) release(sender + 1);
      };
    },
  };
}
