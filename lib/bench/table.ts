// The bench's results for a person: one row per configuration, then the recommendation as the
// `upload` flags to use.
import { formatBytes, formatDuration, formatTable } from '../cli/format.js';
import { label, uploadFlags } from './plan.js';
import type { BenchReport, ConfigurationReport } from './report.js';
import type { Percentiles, Spread } from './stats.js';

const HEADER = ['configuration', 'MiB/s median (min-max)', 'part ms p50/p90/p99', 'last byte→answer ms p50/p99', 'initiate/complete ms', 'retries', 'errors', 'CPU s/GiB', 'peak RSS'];
const NUMERIC = [5, 6, 7, 8];

export function renderReport(report: BenchReport, program: string): string {
  const lines = [describeRun(report), '', formatTable(HEADER, report.configurations.map(row), NUMERIC)];
  const capped = report.configurations.filter((c) => c.parts < c.parallel && c.runs.length > 0);
  for (const c of capped) lines.push(`  ${label(c)}: ${c.parts} parts per upload, so never more than ${c.parts} in flight`);
  lines.push('', ...renderRecommendation(report, program));
  return lines.join('\n');
}

function describeRun(report: BenchReport): string {
  const data = report.file === null ? 'generated data' : report.file;
  const link = report.local ? ` (local mock: ${report.local.latencyMs} ms latency, ${formatBytes(report.local.bandwidthBytesPerSec)}/s shared)` : '';
  const runs = report.configurations.reduce((sum, c) => sum + c.runs.length, 0);
  return `${report.configurations.length} configurations × ${report.runsPerConfiguration} runs of ${formatBytes(report.size)} (${data}) to ${report.endpoint}${link}; ${runs} uploads in ${formatDuration(report.seconds)}`;
}

function row(c: ConfigurationReport): string[] {
  return [
    label(c),
    c.mibPerSecond ? `${c.mibPerSecond.median.toFixed(1)} (${c.mibPerSecond.min.toFixed(1)}-${c.mibPerSecond.max.toFixed(1)})` : c.runs.length > 0 ? 'failed' : 'not run',
    ms(c.partLatencyMs, ['p50', 'p90', 'p99']),
    ms(c.lastByteToResponseMs, ['p50', 'p99']),
    spreadMedians(c.initiateMs, c.completeMs),
    String(c.retries),
    String(c.errors),
    c.cpuSecondsPerGiB === null ? '-' : c.cpuSecondsPerGiB.toFixed(2),
    c.peakRssBytes === null ? '-' : formatBytes(c.peakRssBytes),
  ];
}

function ms(value: Percentiles | null, keys: Array<keyof Percentiles>): string {
  return value ? keys.map((k) => Math.round(value[k])).join('/') : '-';
}

function spreadMedians(a: Spread | null, b: Spread | null): string {
  return a && b ? `${Math.round(a.median)}/${Math.round(b.median)}` : '-';
}

function renderRecommendation(report: BenchReport, program: string): string[] {
  const r = report.recommendation;
  if (!r) return ['No configuration finished a run, so there is nothing to recommend.'];
  const fastest = `fastest:     ${label(r.fastest)}  ${r.fastest.mibPerSecond.toFixed(1)} MiB/s, peak RSS ${formatBytes(r.fastest.peakRssBytes)}`;
  const command = `  ${program} upload ${uploadFlags(r)} <file> oss://${report.bucket}/<key>`;
  if (r.partSize === r.fastest.partSize && r.parallel === r.fastest.parallel) {
    return [fastest, `recommended: the fastest (none within 5% of its speed took 5% less memory):`, command];
  }
  const saved = r.fastest.peakRssBytes - r.peakRssBytes;
  return [
    fastest,
    `recommended: ${label(r)}  ${r.mibPerSecond.toFixed(1)} MiB/s, peak RSS ${formatBytes(r.peakRssBytes)}: ${r.slowerThanFastestPercent}% slower than the fastest for ${formatBytes(saved)} less memory`,
    command,
  ];
}
