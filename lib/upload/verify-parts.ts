// Re-reading recorded parts to prove they are still the file's bytes, where no upload follows to
// do it on the way (an object an earlier run completed): the same reader that hashes parts ahead
// of the senders, through the same multi-buffer MD5.
import type { Md5Lanes } from '../hash/md5-lanes.js';
import type { RangeReadable } from '../hash/read-range.js';
import type { CheckpointPart } from './checkpoint.js';
import { HashAhead } from './hash-ahead.js';
import type { PlannedPart } from './plan.js';

export interface VerifyPartsOptions {
  file: RangeReadable;
  lanes: Md5Lanes;
  signal: AbortSignal;
}

/**
 * The number of a part whose bytes in the file no longer hash to its recorded MD5, or undefined
 * when every one still does. Stops reading at the first mismatch.
 */
export async function firstChangedPart(planned: PlannedPart[], recorded: Map<number, CheckpointPart>, options: VerifyPartsOptions): Promise<number | undefined> {
  const { lanes } = options;
  // Nothing but this loop waits for the digests: the next group is read as soon as one is taken.
  const hashing = new HashAhead({ file: options.file, parts: planned, lanes, ahead: lanes.width, crc64: false, signal: options.signal });
  try {
    for (let hashed = await hashing.take(); hashed; hashed = await hashing.take()) {
      if (hashed.md5 !== recorded.get(hashed.part.partNumber)?.md5) return hashed.part.partNumber;
    }
    return undefined;
  } finally {
    await hashing.stop();
  }
}
