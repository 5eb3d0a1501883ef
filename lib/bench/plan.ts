// What a bench run does: the configurations (part size × parallel), the order of the runs, and
// how much each upload sends when --size is left out. Checked before any request.
import { MAX_PARTS, MAX_PART_SIZE, MIN_PART_SIZE } from '../upload/plan.js';
import { MAX_BUFFERED_PART_SIZE } from '../upload/part-buffers.js';
import { DEFAULT_MAX_MEMORY, MAX_PARALLEL } from '../upload/validate.js';
import { sizeAsTyped } from '../cli/format.js';

const MiB = 1024 * 1024;

/** One setting the sweep measures: what `upload --part-size --parallel` would use. */
export interface BenchConfiguration {
  partSize: number;
  parallel: number;
}

/** One upload of the sweep: which configuration, which of its runs, and its place in the order. */
export interface ScheduledRun {
  /** Index into the configurations. */
  configuration: number;
  /** 1-based run of that configuration. */
  run: number;
  /** 1-based position in the whole sweep. */
  order: number;
}

export const DEFAULT_PART_SIZES = [8 * MiB, 16 * MiB, 32 * MiB];
export const DEFAULT_PARALLELS = [2, 4, 8, 16];
export const DEFAULT_RUNS = 3;
/** Without --size, each upload is sized so the whole sweep takes about this long at the warm-up's rate. */
export const AUTO_SIZE_BUDGET_SECONDS = 180;
/** Without --size, never more than this per upload (a fast link gets this, and finishes sooner). */
export const AUTO_SIZE_MAX = 1024 * MiB;

/** Every part size with every parallelism, part size first, duplicates dropped. */
export function configurationsOf(partSizes: number[], parallels: number[]): BenchConfiguration[] {
  const sizes = [...new Set(partSizes)];
  const counts = [...new Set(parallels)];
  return sizes.flatMap((partSize) => counts.map((parallel) => ({ partSize, parallel })));
}

/** Why a configuration cannot run as asked, or undefined. Sizes and counts as the `upload` flags take them. */
export function configurationProblem(configuration: BenchConfiguration): string | undefined {
  const { partSize, parallel } = configuration;
  if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) return `part size ${partSize} bytes is outside ${sizeAsTyped(MIN_PART_SIZE)}..${sizeAsTyped(MAX_PART_SIZE)}`;
  if (parallel < 1 || parallel > MAX_PARALLEL) return `parallel ${parallel} is outside 1..${MAX_PARALLEL}`;
  const buffers = partSize <= MAX_BUFFERED_PART_SIZE ? partSize * parallel : 0;
  if (buffers > DEFAULT_MAX_MEMORY) return `${label(configuration)} would hold ${sizeAsTyped(buffers)} of part buffers, over upload's ${sizeAsTyped(DEFAULT_MAX_MEMORY)} limit`;
  return undefined;
}

/** Why `size` does not suit the configurations (fewer than one whole part, or over 10000 parts), or undefined. */
export function sizeProblem(size: number, configurations: BenchConfiguration[]): string | undefined {
  const smallest = Math.min(...configurations.map((c) => c.partSize));
  const largest = Math.max(...configurations.map((c) => c.partSize));
  if (size < largest) return `${size} bytes is less than one part of ${sizeAsTyped(largest)}`;
  if (Math.ceil(size / smallest) > MAX_PARTS) return `${size} bytes would need more than ${MAX_PARTS} parts of ${sizeAsTyped(smallest)}`;
  return undefined;
}

/**
 * The order of the runs: round r takes every configuration once, starting 1/runs of the way
 * further along than round r-1, so each configuration runs early, midway and late and a drifting
 * link (or a warming server) weighs on all of them alike.
 */
export function rotationSchedule(configurationCount: number, runs: number): ScheduledRun[] {
  const schedule: ScheduledRun[] = [];
  for (let round = 0; round < runs; round++) {
    const offset = Math.floor((round * configurationCount) / runs);
    for (let i = 0; i < configurationCount; i++) {
      schedule.push({ configuration: (offset + i) % configurationCount, run: round + 1, order: schedule.length + 1 });
    }
  }
  return schedule;
}

/**
 * Bytes per upload when --size is not given: what keeps the sweep near AUTO_SIZE_BUDGET_SECONDS
 * at `bytesPerSecond`, at least four of the largest parts and 64 MiB, at most AUTO_SIZE_MAX, in
 * whole largest parts (so every configuration's parts are full).
 */
export function automaticSize(bytesPerSecond: number, configurations: BenchConfiguration[], runs: number): number {
  const largest = Math.max(...configurations.map((c) => c.partSize));
  const wanted = (bytesPerSecond * AUTO_SIZE_BUDGET_SECONDS) / (configurations.length * runs);
  const bounded = Math.min(AUTO_SIZE_MAX, Math.max(4 * largest, 64 * MiB, wanted));
  return Math.max(largest, Math.round(bounded / largest) * largest);
}

/** The warm-up: the largest part size at the middle parallelism, two rounds of parts (16 to 256 MiB). */
export function warmupConfiguration(configurations: BenchConfiguration[]): { configuration: BenchConfiguration; size: number } {
  const partSize = Math.max(...configurations.map((c) => c.partSize));
  const counts = [...new Set(configurations.map((c) => c.parallel))].sort((a, b) => a - b);
  const parallel = counts[Math.floor(counts.length / 2)]!;
  const size = Math.min(256 * MiB, Math.max(16 * MiB, 2 * partSize * parallel));
  return { configuration: { partSize, parallel }, size: Math.max(partSize, Math.floor(size / partSize) * partSize) };
}

/** '8MiB × 4'. */
export function label(configuration: BenchConfiguration): string {
  return `${sizeAsTyped(configuration.partSize)} × ${configuration.parallel}`;
}

/** The `upload` flags of a configuration. */
export function uploadFlags(configuration: BenchConfiguration): string {
  return `--part-size ${sizeAsTyped(configuration.partSize)} --parallel ${configuration.parallel}`;
}
