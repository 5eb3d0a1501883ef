// `bench compare A.json B.json`: two `bench --json` documents side by side, configuration by
// configuration (matched on part size and parallel), as B's change against A.
import { formatBytes, formatTable } from '../cli/format.js';
import { label, type BenchConfiguration } from './plan.js';
import type { BenchReport } from './report.js';

/** One measure in both documents, and B's change against A in percent (null when either is missing). */
export interface Delta {
  a: number | null;
  b: number | null;
  changePercent: number | null;
}

export interface ConfigurationComparison extends BenchConfiguration {
  /** 'both', or the one document that has it. */
  in: 'both' | 'a' | 'b';
  mibPerSecond: Delta;
  partLatencyP50Ms: Delta;
  partLatencyP99Ms: Delta;
  cpuSecondsPerGiB: Delta;
  peakRssBytes: Delta;
}

export interface Comparison {
  a: { runId: string; startedAt: string; endpoint: string; recommendation: string | null };
  b: { runId: string; startedAt: string; endpoint: string; recommendation: string | null };
  configurations: ConfigurationComparison[];
}

/** A `bench --json` document read back, or an Error saying why `text` is not one. */
export function parseReport(text: string, name: string): BenchReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not JSON (${(error as Error).message}); give the output of \`oss-resumable bench --json\``);
  }
  const report = parsed as Partial<BenchReport> | null;
  if (!report || report.tool !== 'oss-resumable bench' || !Array.isArray(report.configurations)) {
    throw new Error(`${name} is not the output of \`oss-resumable bench --json\` (no "tool": "oss-resumable bench" with "configurations")`);
  }
  return report as BenchReport;
}

export function compareReports(a: BenchReport, b: BenchReport): Comparison {
  const key = (c: BenchConfiguration) => `${c.partSize}x${c.parallel}`;
  const inB = new Map(b.configurations.map((c) => [key(c), c]));
  const inA = new Map(a.configurations.map((c) => [key(c), c]));
  const rows = [...a.configurations, ...b.configurations.filter((c) => !inA.has(key(c)))].map((c) => {
    const left = inA.get(key(c));
    const right = inB.get(key(c));
    return {
      partSize: c.partSize,
      parallel: c.parallel,
      in: left && right ? 'both' : left ? 'a' : 'b',
      mibPerSecond: delta(left?.mibPerSecond?.median, right?.mibPerSecond?.median),
      partLatencyP50Ms: delta(left?.partLatencyMs?.p50, right?.partLatencyMs?.p50),
      partLatencyP99Ms: delta(left?.partLatencyMs?.p99, right?.partLatencyMs?.p99),
      cpuSecondsPerGiB: delta(left?.cpuSecondsPerGiB, right?.cpuSecondsPerGiB),
      peakRssBytes: delta(left?.peakRssBytes, right?.peakRssBytes),
    } satisfies ConfigurationComparison;
  });
  return { a: sideOf(a), b: sideOf(b), configurations: rows };
}

export function renderComparison(comparison: Comparison, names: { a: string; b: string }): string {
  const { a, b } = comparison;
  const header = ['configuration', 'MiB/s A → B', 'part p50 ms A → B', 'part p99 ms A → B', 'CPU s/GiB A → B', 'peak RSS A → B'];
  const rows = comparison.configurations.map((c) => [
    `${label(c)}${c.in === 'both' ? '' : ` (only in ${c.in.toUpperCase()})`}`,
    cell(c.mibPerSecond, (v) => v.toFixed(1)),
    cell(c.partLatencyP50Ms, (v) => String(Math.round(v))),
    cell(c.partLatencyP99Ms, (v) => String(Math.round(v))),
    cell(c.cpuSecondsPerGiB, (v) => v.toFixed(2)),
    cell(c.peakRssBytes, formatBytes),
  ]);
  return [
    `A: ${names.a} (run ${a.runId}, ${a.startedAt}, ${a.endpoint})`,
    `B: ${names.b} (run ${b.runId}, ${b.startedAt}, ${b.endpoint})`,
    '',
    formatTable(header, rows),
    '',
    `recommended: A ${a.recommendation ?? '(none)'}; B ${b.recommendation ?? '(none)'}`,
  ].join('\n');
}

function sideOf(report: BenchReport): Comparison['a'] {
  return { runId: report.runId, startedAt: report.startedAt, endpoint: report.endpoint, recommendation: report.recommendation?.flags ?? null };
}

function delta(a: number | null | undefined, b: number | null | undefined): Delta {
  const left = a ?? null;
  const right = b ?? null;
  const changePercent = left !== null && right !== null && left !== 0 ? Math.round(((right - left) / left) * 1000) / 10 : null;
  return { a: left, b: right, changePercent };
}

function cell(d: Delta, format: (value: number) => string): string {
  const a = d.a === null ? '-' : format(d.a);
  const b = d.b === null ? '-' : format(d.b);
  const change = d.changePercent === null ? '' : ` (${d.changePercent >= 0 ? '+' : ''}${d.changePercent.toFixed(1)}%)`;
  return `${a} → ${b}${change}`;
}
