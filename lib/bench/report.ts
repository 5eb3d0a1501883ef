// The bench's results as one document: what `--json` prints (the README documents its schema),
// what the table and the CSV are drawn from, and what `bench compare` reads back.
import { arch, cpus, platform } from 'node:os';
import type { Cleanup, SweepResult, SweepRun } from './sweep.js';
import type { MeasuredUpload, RequestRecord } from './measure-upload.js';
import { recommend, type Recommendation } from './recommend.js';
import { percentiles, rounded, spread, type Percentiles, type Spread } from './stats.js';
import type { BenchConfiguration } from './plan.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const REPORT_SCHEMA_VERSION = 1;

export interface RunReport {
  run: number;
  /** Its place in the sweep's order (1-based). */
  order: number;
  key: string;
  seconds: number;
  mibPerSecond: number | null;
  initiateMs: number | null;
  completeMs: number | null;
  cpuSeconds: number;
  peakRssBytes: number;
  /** UploadPart attempts, retries included. */
  partRequests: number;
  retries: number;
  errors: number;
  /** Why the upload failed; null when it finished. */
  error: string | null;
}

export interface ConfigurationReport extends BenchConfiguration {
  /** Parts per upload. */
  parts: number;
  mibPerSecond: Spread | null;
  /** UploadPart requests that succeeded: from handing the request to the pool to the answer. */
  partLatencyMs: Percentiles | null;
  /** Of the same requests: from the last body byte handed to the connection to the answer. */
  lastByteToResponseMs: Percentiles | null;
  initiateMs: Spread | null;
  completeMs: Spread | null;
  /** Request attempts that were retries. */
  retries: number;
  /** Request attempts that failed (refused, or no answer). */
  errors: number;
  failedRuns: number;
  cpuSecondsPerGiB: number | null;
  peakRssBytes: number | null;
  runs: RunReport[];
}

export interface BenchReport {
  tool: 'oss-resumable bench';
  schemaVersion: number;
  toolVersion: string;
  runId: string;
  startedAt: string;
  seconds: number;
  endpoint: string;
  bucket: string;
  /** The prefix every key of this bench lived under. */
  prefix: string;
  /** With --local: the link model of the mock. */
  local: { latencyMs: number; bandwidthBytesPerSec: number } | null;
  data: 'generated' | 'file';
  file: string | null;
  /** Bytes per upload. */
  size: number;
  runsPerConfiguration: number;
  host: { node: string; platform: string; arch: string; cpus: number };
  warmup: { partSize: number; parallel: number; bytes: number; seconds: number; mibPerSecond: number } | null;
  configurations: ConfigurationReport[];
  recommendation: Recommendation | null;
  interrupted: boolean;
  /** The failure that ended the sweep early; null otherwise. */
  error: string | null;
  cleanup: Cleanup;
}

export interface ReportContext {
  toolVersion: string;
  runId: string;
  startedAt: Date;
  seconds: number;
  endpoint: string;
  bucket: string;
  local: BenchReport['local'];
  file: string | undefined;
  configurations: BenchConfiguration[];
  runsPerConfiguration: number;
}

export function buildReport(context: ReportContext, sweep: SweepResult): BenchReport {
  const configurations = context.configurations.map((configuration, index) => configurationReport(configuration, sweep.size, sweep.runs.filter((r) => r.configuration === index)));
  const warm = sweep.warmup && !sweep.warmup.measured.error ? sweep.warmup : undefined;
  return {
    tool: 'oss-resumable bench',
    schemaVersion: REPORT_SCHEMA_VERSION,
    toolVersion: context.toolVersion,
    runId: context.runId,
    startedAt: context.startedAt.toISOString(),
    seconds: rounded(context.seconds, 3),
    endpoint: context.endpoint,
    bucket: context.bucket,
    prefix: sweep.runPrefix,
    local: context.local,
    data: context.file === undefined ? 'generated' : 'file',
    file: context.file ?? null,
    size: sweep.size,
    runsPerConfiguration: context.runsPerConfiguration,
    host: { node: process.version, platform: platform(), arch: arch(), cpus: cpus().length },
    warmup: warm
      ? { ...warm.configuration, bytes: warm.measured.bytes, seconds: rounded(warm.measured.seconds, 3), mibPerSecond: rounded(mibPerSecond(warm.measured)!, 2) }
      : null,
    configurations,
    recommendation: recommend(configurations) ?? null,
    interrupted: sweep.interrupted,
    error: sweep.failure?.message ?? null,
    cleanup: sweep.cleanup,
  };
}

function configurationReport(configuration: BenchConfiguration, size: number, runs: SweepRun[]): ConfigurationReport {
  const finished = runs.filter((r) => !r.measured.error);
  const parts = finished.flatMap((r) => r.measured.requests).filter((q) => q.api === 'UploadPart' && q.error === undefined && q.responseMs !== undefined);
  const all = runs.flatMap((r) => r.measured.requests);
  const bytes = finished.reduce((sum, r) => sum + r.measured.bytes, 0);
  const cpu = finished.reduce((sum, r) => sum + r.measured.cpuSeconds, 0);
  return {
    ...configuration,
    parts: Math.ceil(size / configuration.partSize),
    mibPerSecond: roundedSpread(spread(finished.map((r) => mibPerSecond(r.measured)!)), 2),
    partLatencyMs: roundedPercentiles(percentiles(parts.map((q) => q.responseMs! - q.startMs))),
    lastByteToResponseMs: roundedPercentiles(percentiles(parts.filter((q) => q.bodySentMs !== undefined).map((q) => q.responseMs! - q.bodySentMs!))),
    initiateMs: roundedSpread(spread(finished.map((r) => latencyOf(r.measured.requests, 'InitiateMultipartUpload')).filter(isNumber)), 1),
    completeMs: roundedSpread(spread(finished.map((r) => latencyOf(r.measured.requests, 'CompleteMultipartUpload')).filter(isNumber)), 1),
    retries: all.filter((q) => q.attempt > 1).length,
    errors: all.filter((q) => q.error !== undefined).length,
    failedRuns: runs.length - finished.length,
    cpuSecondsPerGiB: bytes > 0 ? rounded(cpu / (bytes / GiB), 3) : null,
    peakRssBytes: finished.length > 0 ? Math.max(...finished.map((r) => r.measured.peakRssBytes)) : null,
    runs: runs.map(runReport),
  };
}

function runReport(run: SweepRun): RunReport {
  const { measured } = run;
  const requests = measured.requests;
  const initiate = latencyOf(requests, 'InitiateMultipartUpload');
  const complete = latencyOf(requests, 'CompleteMultipartUpload');
  return {
    run: run.run,
    order: run.order,
    key: run.key,
    seconds: rounded(measured.seconds, 3),
    mibPerSecond: measured.error ? null : rounded(mibPerSecond(measured)!, 2),
    initiateMs: initiate === undefined ? null : rounded(initiate, 1),
    completeMs: complete === undefined ? null : rounded(complete, 1),
    cpuSeconds: rounded(measured.cpuSeconds, 3),
    peakRssBytes: measured.peakRssBytes,
    partRequests: requests.filter((q) => q.api === 'UploadPart').length,
    retries: requests.filter((q) => q.attempt > 1).length,
    errors: requests.filter((q) => q.error !== undefined).length,
    error: measured.error?.message ?? null,
  };
}

export function mibPerSecond(measured: MeasuredUpload): number | undefined {
  return measured.error || measured.seconds <= 0 ? undefined : measured.bytes / MiB / measured.seconds;
}

/** The answer time of the successful attempt of `api` in one upload. */
function latencyOf(requests: RequestRecord[], api: string): number | undefined {
  const done = requests.find((q) => q.api === api && q.error === undefined && q.responseMs !== undefined);
  return done ? done.responseMs! - done.startMs : undefined;
}

function isNumber(value: number | undefined): value is number {
  return value !== undefined;
}

function roundedSpread(value: Spread | undefined, digits: number): Spread | null {
  return value ? { median: rounded(value.median, digits), min: rounded(value.min, digits), max: rounded(value.max, digits) } : null;
}

function roundedPercentiles(value: Percentiles | undefined): Percentiles | null {
  return value ? { p50: rounded(value.p50, 1), p90: rounded(value.p90, 1), p99: rounded(value.p99, 1) } : null;
}
