// Re-reading recorded parts to prove they are still the file's bytes, where no upload follows to
// do it on the way (an object an earlier run completed): `parallel` readers, the part buffers of
// the upload, the same read-and-hash pass as a part about to be sent.
import type { RangeReadable } from '../hash/read-range.js';
import type { CheckpointPart } from './checkpoint.js';
import type { PartBufferPool } from './part-buffers.js';
import { preparePart } from './part-uploader.js';
import type { PlannedPart } from './plan.js';

export interface VerifyPartsOptions {
  file: RangeReadable;
  buffers: PartBufferPool | undefined;
  parallel: number;
  signal: AbortSignal;
}

/**
 * The number of a part whose bytes in the file no longer hash to its recorded MD5, or undefined
 * when every one still does. Stops reading at the first mismatch.
 */
export async function firstChangedPart(planned: PlannedPart[], recorded: Map<number, CheckpointPart>, options: VerifyPartsOptions): Promise<number | undefined> {
  const queue = [...planned];
  let changed: number | undefined;
  const work = async (): Promise<void> => {
    const buffer = options.buffers?.acquire();
    try {
      for (let part = queue.shift(); part && changed === undefined; part = queue.shift()) {
        const prepared = await preparePart(options.file, part, buffer, false, options.signal);
        if (prepared.md5 !== recorded.get(part.partNumber)?.md5) changed ??= part.partNumber;
      }
    } finally {
      if (buffer) options.buffers!.release(buffer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, queue.length) }, work));
  return changed;
}
