// The part plan: how big each part is and where it starts, within OSS's limits
// (100 KB minimum for all but the last part, 5 GiB maximum, at most 10000 parts).

/** OSS's "100 KB" minimum for every part but the last, in bytes. */
export const MIN_PART_SIZE = 102_400;
/** OSS's largest part: 5 GiB. */
export const MAX_PART_SIZE = 5 * 1024 ** 3;
/** OSS's most parts in one multipart upload. */
export const MAX_PARTS = 10_000;
/** Throughput default (measured with bench/memory.mjs); grown for files that would need > 10000 parts. */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** Largest file a multipart upload can carry. */
export const MAX_FILE_SIZE = MAX_PARTS * MAX_PART_SIZE;
/** Grown part sizes are rounded up to this, so reads stay page-aligned. */
const GROWTH_ALIGNMENT = 4096;

/** One part of a plan: a byte range of the file. */
export interface PlannedPart {
  /** 1-based, as in UploadPart. */
  partNumber: number;
  /** First byte's offset in the file. */
  start: number;
  /** Exclusive. */
  end: number;
  /** end - start. */
  size: number;
}

/** How a file is cut into parts: all `partSize` bytes but the last. */
export interface PartPlan {
  fileSize: number;
  partSize: number;
  /** In part order; one (possibly empty) part for an empty file. */
  parts: PlannedPart[];
}

/**
 * The requested (or default) part size, grown just enough that `fileSize` fits in MAX_PARTS
 * parts. Callers validate `requested` and `fileSize` first (see validate.ts).
 */
export function choosePartSize(fileSize: number, requested: number = DEFAULT_PART_SIZE): number {
  if (Math.ceil(fileSize / requested) <= MAX_PARTS) return requested;
  const minimal = Math.ceil(fileSize / MAX_PARTS);
  const aligned = Math.ceil(minimal / GROWTH_ALIGNMENT) * GROWTH_ALIGNMENT;
  // MAX_PART_SIZE is aligned and >= minimal for any valid file, so the clamp never undershoots.
  return Math.min(aligned, MAX_PART_SIZE);
}

/** Parts of `partSize` bytes covering the file; the last one may be shorter. An empty file is one empty part. */
export function planParts(fileSize: number, partSize: number): PartPlan {
  const count = Math.max(1, Math.ceil(fileSize / partSize));
  const parts: PlannedPart[] = [];
  for (let index = 0; index < count; index++) {
    const start = index * partSize;
    const end = Math.min(fileSize, start + partSize);
    parts.push({ partNumber: index + 1, start, end, size: end - start });
  }
  return { fileSize, partSize, parts };
}

/** One PutObject is enough (and cheaper) unless the caller insists on multipart. */
export function fitsSinglePut(fileSize: number, partSize: number, forceMultipart: boolean): boolean {
  return !forceMultipart && fileSize <= partSize;
}
