// `--csv FILE`: one row per request of the measured uploads (warm-up and cleanup left out), for
// analysis elsewhere. Times are milliseconds since the bench started.
import { label, type BenchConfiguration } from './plan.js';
import type { SweepRun } from './sweep.js';

export const CSV_COLUMNS = ['configuration', 'partSize', 'parallel', 'run', 'api', 'partNumber', 'attempt', 'bytes', 'startMs', 'lastByteSentMs', 'responseMs', 'endMs', 'status', 'error'];

/** The CSV text: a header, then every request of every run in the order they started. */
export function requestsCsv(runs: SweepRun[], configurations: BenchConfiguration[], originMs: number): string {
  const time = (ms: number | undefined) => (ms === undefined ? '' : (ms - originMs).toFixed(3));
  const lines = [CSV_COLUMNS.join(',')];
  for (const run of runs) {
    const configuration = configurations[run.configuration]!;
    const requests = [...run.measured.requests].sort((a, b) => a.startMs - b.startMs);
    for (const q of requests) {
      lines.push(
        [label(configuration), configuration.partSize, configuration.parallel, run.run, q.api, q.partNumber ?? '', q.attempt, q.bytes, time(q.startMs), time(q.bodySentMs), time(q.responseMs), time(q.endMs), q.status ?? '', q.error ?? '']
          .map((cell) => csvCell(String(cell)))
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** RFC 4180: quoted when it holds a comma, quote or line break. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
