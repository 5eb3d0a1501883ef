// The recommendation: the fastest configuration (by median MiB/s), and among those within 5% of
// it the one that took the least memory (peak RSS), as the `upload` flags to use.
import { uploadFlags, type BenchConfiguration } from './plan.js';

/** How far below the fastest a configuration may be and still be recommended for its memory. */
export const RECOMMENDATION_TOLERANCE = 0.05;

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
 * The smallest-memory configuration within `tolerance` of the fastest (ties: fewer part-buffer
 * bytes, then fewer connections), with the fastest; undefined when none finished a run.
 */
export function recommend(configurations: Measured[], tolerance = RECOMMENDATION_TOLERANCE): Recommendation | undefined {
  const finished = configurations.filter((c): c is Measured & { mibPerSecond: { median: number }; peakRssBytes: number } => c.mibPerSecond !== null && c.peakRssBytes !== null);
  if (finished.length === 0) return undefined;
  const fastest = finished.reduce((best, c) => (c.mibPerSecond.median > best.mibPerSecond.median ? c : best));
  const floor = fastest.mibPerSecond.median * (1 - tolerance);
  const chosen = finished
    .filter((c) => c.mibPerSecond.median >= floor)
    .sort((a, b) => a.peakRssBytes - b.peakRssBytes || a.partSize * a.parallel - b.partSize * b.parallel || a.parallel - b.parallel)[0]!;
  const slower = 100 * (1 - chosen.mibPerSecond.median / fastest.mibPerSecond.median);
  return { ...choiceOf(chosen), slowerThanFastestPercent: Math.round(slower * 10) / 10, fastest: choiceOf(fastest) };
}

function choiceOf(c: Measured & { mibPerSecond: { median: number }; peakRssBytes: number }): Choice {
  return { partSize: c.partSize, parallel: c.parallel, flags: uploadFlags(c), mibPerSecond: c.mibPerSecond.median, peakRssBytes: c.peakRssBytes };
}
