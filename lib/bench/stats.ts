// The statistics of the bench's tables: median, min and max over runs, percentiles over requests.

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/**
 * The p-th percentile (0..100) by linear interpolation between the closest ranks (numpy's and
 * Excel's default): with few samples p99 lies between the two largest instead of being the max.
 */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Median, min and max; undefined without values. */
export function spread(values: number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** p50, p90 and p99; undefined without values. */
export function percentiles(values: number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  return { p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99) };
}

/** A number as the JSON carries it: `digits` decimals, so tables and files do not show float noise. */
export function rounded(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
