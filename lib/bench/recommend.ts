// The recommendation: the fastest configuration (by median MiB/s), and among those within 5% of
// it the one that took the least memory (peak RSS), as the `upload` flags to use. Peak RSS within
// 5% of the least counts as the same memory: since parts are read through fixed windows, part
// size barely moves it, and a few hundred KiB of allocator noise should not pick the setting.
import { uploadFlags, type BenchConfiguration } from './plan.js';

/** How far below the fastest a configuration may be and still be recommended for its memory. */
export const RECOMMENDATION_TOLERANCE = 0.05;
/** How far above the least peak RSS a configuration's still counts as the same memory. */
export const MEMORY_TOLERANCE = 0.05;

/** What the recommendation needs of a configuration's results. */
export interface Measured extends BenchConfiguration {
  /** Median MiB/s over its runs; null when none finished. */
  mibPerSecond: { median: number } | null;
  peakRssBytes: number | null;
}

export interface Choice extends BenchConfiguration {
  /** `--part-size 16MiB --parallel 8` */
  flags: string;
  mibPerSecond: number;
  peakRssBytes: number;
}

export interface Recommendation extends Choice {
  /** How much slower than the fastest the recommended one is, in percent (0 when it is the fastest). */
  slowerThanFastestPercent: number;
  fastest: Choice;
}

/**
 * The smallest-memory configuration within `tolerance` of the fastest (memory within
 * MEMORY_TOLERANCE of the least is a tie, broken by fewer part bytes in flight, then fewer
 * connections, then speed), with the fastest; undefined when none finished a run.
 */
export function recommend(configurations: Measured[], tolerance = RECOMMENDATION_TOLERANCE): Recommendation | undefined {
  const finished = configurations.filter((c): c is Measured & { mibPerSecond: { median: number }; peakRssBytes: number } => c.mibPerSecond !== null && c.peakRssBytes !== null);
  if (finished.length === 0) return undefined;
  const fastest = finished.reduce((best, c) => (c.mibPerSecond.median > best.mibPerSecond.median ? c : best));
  const floor = fastest.mibPerSecond.median * (1 - tolerance);
  const fastEnough = finished.filter((c) => c.mibPerSecond.median >= floor);
  const leastRss = Math.min(...fastEnough.map((c) => c.peakRssBytes));
  const chosen = fastEnough
    .filter((c) => c.peakRssBytes <= leastRss * (1 + MEMORY_TOLERANCE))
    .sort((a, b) => a.partSize * a.parallel - b.partSize * b.parallel || a.parallel - b.parallel || b.mibPerSecond.median - a.mibPerSecond.median)[0]!;
  const slower = 100 * (1 - chosen.mibPerSecond.median / fastest.mibPerSecond.median);
  return { ...choiceOf(chosen), slowerThanFastestPercent: Math.round(slower * 10) / 10, fastest: choiceOf(fastest) };
}

function choiceOf(c: Measured & { mibPerSecond: { median: number }; peakRssBytes: number }): Choice {
  return { partSize: c.partSize, parallel: c.parallel, flags: uploadFlags(c), mibPerSecond: c.mibPerSecond.median, peakRssBytes: c.peakRssBytes };
}
